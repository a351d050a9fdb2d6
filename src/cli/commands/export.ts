/** `chainrule export`: the model as an ONNX file that ONNX Runtime runs with the same predictions. */
import type { Command } from 'commander';
import { loadModel } from '../../model/file.js';
import { requireBinary } from '../../model/schema.js';
import { exportOnnx, ONNX_INPUT_NAME, ONNX_IR_VERSION, ONNX_OPSET, ONNX_OUTPUT_NAME, onnxColumns } from '../../model/onnx.js';
import { printJson } from '../options.js';

interface ExportFlags {
  model: string;
  onnx: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the model as ONNX (opset 13): input "features" [N, k] of raw values, output "probability" [N, 1]')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--onnx <file>', 'ONNX file to write')
    .option('--json', 'print one JSON document')
    .action((flags: ExportFlags) => {
      // Until ONNX export knows the softmax and regression heads, such a model is refused by name.
      const model = requireBinary(loadModel(flags.model), 'ONNX export');
      let bytes: Uint8Array;
      try {
        bytes = exportOnnx(model, flags.onnx);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code) throw new Error(`${flags.onnx}: cannot write the ONNX file (${code})`);
        throw err;
      }
      const columns = onnxColumns(model.inputs);
      if (flags.json) {
        printJson({
          onnx: flags.onnx, bytes: bytes.length, opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION,
          input: { name: ONNX_INPUT_NAME, shape: ['N', columns.length] }, output: { name: ONNX_OUTPUT_NAME, shape: ['N', 1] },
          columns, threshold: model.threshold, target: model.target,
        });
        return;
      }
      const layout = columns.map((c) => (c.kind === 'numeric' ? c.input : `${c.input}=${c.category}`)).join(', ');
      process.stdout.write(
        `wrote ${flags.onnx} (${bytes.length} bytes, ONNX opset ${ONNX_OPSET}, ${model.layers.length} layers)\n`
        + `input  ${ONNX_INPUT_NAME} [N, ${columns.length}] raw values: ${layout}\n`
        + `output ${ONNX_OUTPUT_NAME} [N, 1]; ${model.target.name} = ${model.target.positive} when probability > ${model.threshold}\n`,
      );
    });
}
