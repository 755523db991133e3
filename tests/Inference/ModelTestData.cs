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

    /// <summary>Test vectors written by trainer/cft_export.py: a padded batch and PyTorch's predictions.</summary>
    public sealed record TestVectors(string[] Ids, ModelInput Input, float[] Prediction);

    public static TestVectors ReadTestVectors(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var inputs = root.GetProperty("inputs");
        int[] Shape(string n) => inputs.GetProperty(n).GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[] Floats(string n) => inputs.GetProperty(n).GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var shape = Shape("features");
        bool pairs = inputs.TryGetProperty("pair", out _);
        var input = new ModelInput(shape[0], shape[1], shape[2], Floats("features"),
            inputs.GetProperty("atomic_number").GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            Floats("weight"), Floats("lattice"), pairs ? Floats("pair") : null, pairs ? Shape("pair")[3] : 0);
        return new TestVectors(root.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray(), input,
            root.GetProperty("prediction").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray());
    }

    /// <summary>|a − b| ≤ tolerance × max(1, |b|): float32 holds energies near −154 eV/atom to about 1.5e-5 absolute.</summary>
    public static bool Close(double a, double b, double tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(b));
}
