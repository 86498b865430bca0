'use strict';
// Runs an ONNX model with onnxruntime-node (CPU) on .npy inputs and writes one
// .npy per graph output, named like `rknnc run` names them (characters other
// than [A-Za-z0-9.-] become '_'), plus outputs.json listing {name, file}.
//
//   node ort_run.js MODEL.onnx OUTDIR IN1.npy [IN2.npy ...]
//
// Inputs are bound to the model's graph inputs in order. Exit 0 ok, 1 error.
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readNpy, writeNpy } = require('./npy');

function safeFileName(tensor) {
  let out = tensor.replace(/[^A-Za-z0-9.-]/g, '_');
  if (out.length === 0 || out[0] === '.') out = '_' + out;
  return out;
}

async function main(argv) {
  if (argv.length < 3) throw new Error('usage: node ort_run.js MODEL.onnx OUTDIR IN1.npy [IN2.npy ...]');
  const [model, outDir, ...inputs] = argv;
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',  // the reference: no fusions, plain kernels
    intraOpNumThreads: 1,
  });
  if (inputs.length !== session.inputNames.length)
    throw new Error(`${model}: has ${session.inputNames.length} inputs, ${inputs.length} .npy files given`);
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const t = readNpy(inputs[i]);
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  });
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  const manifest = [];
  for (const name of session.outputNames) {
    const t = results[name];
    const file = safeFileName(name) + '.npy';
    writeNpy(path.join(outDir, file), t.type, t.dims, t.data);
    manifest.push({ name, file, dims: t.dims, type: t.type });
  }
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(manifest, null, 1) + '\n');
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`ort_run: ${e.message.split('\n')[0]}\n`);
  process.exit(1);
});
