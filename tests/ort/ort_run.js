'use strict';
// Runs an ONNX model with onnxruntime-node (CPU) on .npy inputs and writes one
// .npy per graph output, named like `rknnc run` names them (characters other
// than [A-Za-z0-9.-] become '_'), plus outputs.json listing {name, file}.
//
//   node ort_run.js [--batch] [--opt LEVEL] MODEL.onnx OUTDIR IN1.npy [IN2.npy ...]
//
// Inputs are bound to the model's graph inputs in order.
// --batch     every input .npy holds N samples on an extra leading axis
//             ([N, ...input shape]); the model runs once per sample and every
//             output .npy holds the N results stacked on a new leading axis
//             (as `rknnc run --batch`).
// --opt LEVEL graph optimisation level: disabled (default: the reference, no
//             fusions, plain kernels), basic, extended or all (onnxruntime's default).
// Exit 0 ok, 1 error.
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { readNpy, writeNpy } = require('./npy');

const USAGE = 'usage: node ort_run.js [--batch] [--opt disabled|basic|extended|all] MODEL.onnx OUTDIR IN1.npy [IN2.npy ...]';

function safeFileName(tensor) {
  let out = tensor.replace(/[^A-Za-z0-9.-]/g, '_');
  if (out.length === 0 || out[0] === '.') out = '_' + out;
  return out;
}

function parseArgs(argv) {
  const opts = { batch: false, opt: 'disabled', positional: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--batch') opts.batch = true;
    else if (argv[i] === '--opt') {
      opts.opt = argv[++i];
      if (!['disabled', 'basic', 'extended', 'all'].includes(opts.opt)) throw new Error(`--opt ${opts.opt}: ${USAGE}`);
    } else opts.positional.push(argv[i]);
  }
  if (opts.positional.length < 3) throw new Error(USAGE);
  return opts;
}

// Sample i of a [N, ...] tensor as an ort.Tensor of shape [...].
function sampleOf(t, i) {
  const dims = t.dims.slice(1);
  const size = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor(t.type, t.data.slice(i * size, (i + 1) * size), dims);
}

async function main(argv) {
  const { batch, opt, positional } = parseArgs(argv);
  const [model, outDir, ...inputs] = positional;
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: opt,
    intraOpNumThreads: 1,
  });
  if (inputs.length !== session.inputNames.length)
    throw new Error(`${model}: has ${session.inputNames.length} inputs, ${inputs.length} .npy files given`);
  const arrays = inputs.map((f) => readNpy(f));
  let count = 1;
  if (batch) {
    count = arrays[0].dims[0];
    arrays.forEach((t, i) => {
      if (t.dims.length < 1 || t.dims[0] !== count)
        throw new Error(`--batch: ${inputs[i]} has shape [${t.dims}], expected a leading ${count}`);
    });
  }
  const results = [];
  for (let s = 0; s < count; s++) {
    const feeds = {};
    session.inputNames.forEach((name, i) => {
      feeds[name] = batch ? sampleOf(arrays[i], s) : new ort.Tensor(arrays[i].type, arrays[i].data, arrays[i].dims);
    });
    results.push(await session.run(feeds));
  }
  fs.mkdirSync(outDir, { recursive: true });
  const manifest = [];
  for (const name of session.outputNames) {
    const first = results[0][name];
    let dims = first.dims, data = first.data;
    if (batch) {
      dims = [count, ...first.dims];
      data = new first.data.constructor(first.data.length * count);
      results.forEach((r, s) => data.set(r[name].data, s * first.data.length));
    }
    const file = safeFileName(name) + '.npy';
    writeNpy(path.join(outDir, file), first.type, dims, data);
    manifest.push({ name, file, dims, type: first.type });
  }
  fs.writeFileSync(path.join(outDir, 'outputs.json'), JSON.stringify(manifest, null, 1) + '\n');
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`ort_run: ${e.message.split('\n')[0]}\n`);
  process.exit(1);
});
