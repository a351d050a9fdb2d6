/** Entry point: starts the training worker and the controller on the page. */
import './style.css';
import { Controller } from './controller.js';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
new Controller(document.getElementById('app')!, worker);
