using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using CftRuntime.Inference;

namespace CftRuntime.Tests.Inference;

/// <summary>The shipped models and their PyTorch test vectors.</summary>
public static class ModelTestData
{
    public static string ModelDirectory => Path.Combine(TestData.RepositoryRoot, "models");

    /// <summary>Names of the shipped models (models/*.onnx), as theory data.</summary>
    public static IEnumerable<object[]> ShippedModels =>
        Directory.GetFiles(ModelDirectory, "*.onnx").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n! });

    public static string ModelPath(string name) => Path.Combine(ModelDirectory, name + ".onnx");

    /// <summary>The shipped scalar models (no <c>cft.tensor</c> metadata), as theory data.</summary>
    public static IEnumerable<object[]> ShippedScalarModels => ShippedModels.Where(o => !OnnxMetadata.Read(ModelPath((string)o[0])).ContainsKey("cft.tensor"));

    /// <summary>The shipped tensor models (trainer/cft_tensor_train.py), as theory data.</summary>
    public static IEnumerable<object[]> ShippedTensorModels => ShippedModels.Where(o => OnnxMetadata.Read(ModelPath((string)o[0])).ContainsKey("cft.tensor"));

    /// <summary>A tensor model's test vectors: the padded batch and PyTorch's unprojected member tensors [B, K, rows, columns].</summary>
    public sealed record TensorVectors(string[] Ids, ModelInput Input, int[] Shape, float[] Members, float[] Novelty);

    /// <summary>Reads trainer/cft_tensor_train.py's test vectors.</summary>
    public static TensorVectors ReadTensorVectors(string path)
    {
        var scalar = ReadTestVectorsInputOnly(path, out var root);
        using (root)
        {
            var members = root.RootElement.GetProperty("tensor_members");
            return new TensorVectors(scalar.Ids, scalar.Input, members.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                members.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
                root.RootElement.GetProperty("novelty").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray());
        }
    }

    /// <summary>The shared dataset files a shipped model was trained on (its name is <c>&lt;dataset&gt;-&lt;property&gt;</c>).</summary>
    public static string[] DatasetFiles(string name)
    {
        string dataset = name[..name.LastIndexOf('-')];
        string Data(string set, string file) => Path.Combine(Io.IoTestData.DataRoot, set, file);
        return dataset switch
        {
            "perov_5" or "carbon_24" => [Data(dataset, "val.csv")],
            "oqmd_mp_perovskites" => [Data("oqmd_perovskites", "data.csv"), Data("mp_perovskites", "data.csv")],
            _ => [Data(dataset, "data.csv")],
        };
    }

    /// <summary>Test vectors written by trainer/cft_export.py: a padded batch and PyTorch's predictions.</summary>
    public sealed record TestVectors(string[] Ids, ModelInput Input, float[] Prediction, float[]? Std = null, float[]? Novelty = null);

    private static (string[] Ids, ModelInput Input) ReadTestVectorsInputOnly(string path, out JsonDocument doc)
    {
        doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var inputs = root.GetProperty("inputs");
        int[] Shape(string n) => inputs.GetProperty(n).GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] Floats(string n) => inputs.GetProperty(n).GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var shape = Shape("features");
        bool pairs = inputs.TryGetProperty("pair", out _);
        var input = new ModelInput(shape[0], shape[1], shape[2], Floats("features"),
            inputs.GetProperty("atomic_number").GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            Floats("weight"), Floats("lattice"), pairs ? Floats("pair") : null, pairs ? Shape("pair")[3] : 0);
        return (root.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray(), input);
    }

    public static TestVectors ReadTestVectors(string path)
    {
        var (ids, input) = ReadTestVectorsInputOnly(path, out var doc);
        using (doc)
        {
            var root = doc.RootElement;
            float[]? Output(string n) => root.TryGetProperty(n, out var o) ? o.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray() : null;
            return new TestVectors(ids, input, Output("prediction")!, Output("std"), Output("novelty"));
        }
    }

    /// <summary>|a − b| ≤ tolerance × max(1, |b|): float32 holds energies near −154 eV/atom to about 1.5e-5 absolute.</summary>
    /// <summary>
    /// Writes <paramref name="path"/>: the shipped CMR model with its <c>prediction</c> passed through Reshape([-1, 7]) and
    /// back (Debian's python3-onnx). It opens and loads like the original (the shapes are symbolic), and fails inside ONNX
    /// Runtime on any batch whose size is not a multiple of 7: a model that cannot be run.
    /// </summary>
    public static void WriteModelThatFailsToRun(string path)
    {
        const string script = """
import sys, onnx
from onnx import helper, TensorProto
model = onnx.load(sys.argv[1])
graph = model.graph
node = next(n for n in graph.node if "prediction" in n.output)
node.output[list(node.output).index("prediction")] = "prediction_unchecked"
graph.node.extend([
    helper.make_node("Constant", [], ["shape_7"], value=helper.make_tensor("s7", TensorProto.INT64, [2], [-1, 7])),
    helper.make_node("Reshape", ["prediction_unchecked", "shape_7"], ["prediction_7"]),
    helper.make_node("Constant", [], ["shape_flat"], value=helper.make_tensor("s1", TensorProto.INT64, [1], [-1])),
    helper.make_node("Reshape", ["prediction_7", "shape_flat"], ["prediction"]),
])
onnx.save(model, sys.argv[2])
""";
        var (code, output) = TestData.RunPython(script, ModelPath("cmr_perovskites-e_form"), path);
        if (code != 0) throw new InvalidOperationException("could not write the failing model: " + output);
    }

    public static bool Close(double a, double b, double tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(b));

    /// <summary>
    /// Close in the square: the novelty score is √(|e|² − 2 e·b + |b|²), exact to float rounding in the square, so a
    /// distance of 0 (a bank structure itself) comes out as √(rounding) ≈ 1e-3.
    /// </summary>
    public static bool CloseSquared(double a, double b, double tolerance) => Math.Abs(a * a - b * b) <= tolerance * Math.Max(1, b * b);

    /// <summary>
    /// A copy of a model file (in a new temporary folder, named <paramref name="name"/>.onnx) whose metadata is
    /// <paramref name="change"/>d: every other top-level field of the ModelProto is copied as it is, the metadata entries
    /// (field 14) are written anew.
    /// </summary>
    public static string CopyWithMetadata(string path, string name, Action<Dictionary<string, string>> change)
    {
        var bytes = File.ReadAllBytes(path);
        var metadata = OnnxMetadata.Parse(bytes);
        change(metadata);
        var output = new List<byte>(bytes.Length + 1024);
        int position = 0;
        while (position < bytes.Length)
        {
            int start = position;
            ulong tag = Varint(bytes, ref position);
            switch ((int)(tag & 7))
            {
                case 0: Varint(bytes, ref position); break;
                case 1: position += 8; break;
                case 2:
                    int length = (int)Varint(bytes, ref position); // read before adding: `position += Varint(…)` would add to the old position
                    position += length;
                    break;
                case 5: position += 4; break;
                default: throw new FormatException("wire type");
            }
            if (tag >> 3 != 14) output.AddRange(bytes.AsSpan(start, position - start).ToArray());
        }
        foreach (var (key, value) in metadata)
        {
            var entry = new List<byte>();
            Field(entry, 1, System.Text.Encoding.UTF8.GetBytes(key));
            Field(entry, 2, System.Text.Encoding.UTF8.GetBytes(value));
            Field(output, 14, entry.ToArray());
        }
        string dir = Path.Combine(Path.GetTempPath(), $"cft-models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string copy = Path.Combine(dir, name + ".onnx");
        File.WriteAllBytes(copy, output.ToArray());
        return copy;
    }

    private static ulong Varint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    private static void Field(List<byte> bytes, int field, byte[] payload)
    {
        void Add(ulong v)
        {
            while (v >= 0x80) { bytes.Add((byte)(v | 0x80)); v >>= 7; }
            bytes.Add((byte)v);
        }
        Add((ulong)(field << 3 | 2));
        Add((ulong)payload.Length);
        bytes.AddRange(payload);
    }
}
