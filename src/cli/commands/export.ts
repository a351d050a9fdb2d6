/** `chainrule export`: the model as an ONNX file that ONNX Runtime runs with the same predictions. */
import type { Command } from 'commander';
import { loadModel } from '../../model/file.js';
import { isBinary, taskOf } from '../../model/schema.js';
import { exportOnnx, ONNX_INPUT_NAME, ONNX_IR_VERSION, ONNX_OPSET, onnxColumns, onnxOutput } from '../../model/onnx.js';
import { printJson } from '../options.js';

interface ExportFlags {
  model: string;
  onnx: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the model as ONNX (opset 13): input "features" [N, k] of raw values; output "probability" [N, 1] (binary), "probabilities" [N, classes] (multiclass) or "value" [N, 1] in raw units (regression)')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--onnx <file>', 'ONNX file to write')
    .option('--json', 'print one JSON document')
    .action((flags: ExportFlags) => {
      const model = loadModel(flags.model);
      let bytes: Uint8Array;
      try {
        bytes = exportOnnx(model, flags.onnx);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code) throw new Error(`${flags.onnx}: cannot write the ONNX file (${code})`);
        throw err;
      }
      const columns = onnxColumns(model.inputs);
      const output = onnxOutput(model);
      if (flags.json) {
        printJson({
          onnx: flags.onnx, bytes: bytes.length, opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION, task: taskOf(model),
          input: { name: ONNX_INPUT_NAME, shape: ['N', columns.length] }, output: { name: output.name, shape: ['N', output.width] },
          columns, ...(isBinary(model) ? { threshold: model.threshold } : {}),
          ...(model.task === 'multiclass' ? { classes: model.target.classes } : {}), target: model.target,
        });
        return;
      }
      const reading = isBinary(model)
        ? `${model.target.name} = ${model.target.positive} when probability > ${model.threshold}`
        : output.meaning;
      const layout = columns.map((c) => (c.kind === 'numeric' ? c.input : `${c.input}=${c.category}`)).join(', ');
      process.stdout.write(
        `wrote ${flags.onnx} (${bytes.length} bytes, ONNX opset ${ONNX_OPSET}, ${model.layers.length} layers)\n`
        + `input  ${ONNX_INPUT_NAME} [N, ${columns.length}] raw values: ${layout}\n`
        + `output ${output.name} [N, ${output.width}]; ${reading}\n`,
      );
    });
}
