#!/usr/bin/python3
"""Runs a .tflite with ArmNN's TfLite parser on its reference CPU backend
(Debian python3-pyarmnn, libarmnn-cpuref-backend): the independent reference
of the tflite suite. Usage: armnn_run.py MODEL.tflite OUT_DIR IN.npy...
(inputs in the model's own layout and type); writes OUT_DIR/<i>.npy per
output in the model's output order. A separate process: ArmNN may abort."""
import os
import sys

import numpy as np


def main():
    model, out_dir, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    import pyarmnn as ann
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(model)
    in_names = parser.GetSubgraphInputTensorNames(0)
    out_names = parser.GetSubgraphOutputTensorNames(0)
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)
    in_info = [parser.GetNetworkInputBindingInfo(0, n) for n in in_names]
    data = [np.load(f) for f in inputs]
    in_tensors = ann.make_input_tensors(in_info, data)
    out_info = [parser.GetNetworkOutputBindingInfo(0, n) for n in out_names]
    out_tensors = ann.make_output_tensors(out_info)
    runtime.EnqueueWorkload(net_id, in_tensors, out_tensors)
    os.makedirs(out_dir, exist_ok=True)
    for i, r in enumerate(ann.workload_tensors_to_ndarray(out_tensors)):
        np.save(os.path.join(out_dir, f"{i}.npy"), r)


if __name__ == "__main__":
    main()
