using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CftRuntime.Crystals;
using CftRuntime.Inference;
using CftRuntime.Tensors;
using CftRuntime.Io;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft models</c>: the shipped models (or those in a folder) and their metadata.</summary>
public static class ModelsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = $"Folder of .onnx models (default: the shipped models, or ${CftPredictor.ModelDirectoryVariable})" };
        var json = new Option<bool>("--json") { Description = "One JSON object per model with every metadata entry" };
        var command = new Command("models", "List the trained models: property, unit, training data, elements, test metrics") { dir, json };
        command.SetAction(r => Run(r.GetValue(dir), r.GetValue(json), Console.Out));
        return command;
    }

    /// <summary>Lists the models; an unreadable or incompatible model is a <see cref="CftModelException"/> naming the file (exit code 3).</summary>
    public static int Run(string? directory, bool json, TextWriter stdout)
    {
        var files = CftPredictor.FindModels(directory);
        foreach (var file in files)
        {
            using (var model = CftModel.Open(file))
            {
                if (json)
                {
                    stdout.WriteLine(JsonLine.Object(w =>
                    {
                        JsonContracts.WriteModel(w, model.Path, model.Metadata);
                        w.WriteBoolean("fourier_features", model.UsesFourierFeatures);
                        w.WriteBoolean("pair_features", model.Pairs is not null);
                        if (model.Tensor is { } tensorKind) w.WriteString("tensor", tensorKind.ToString().ToLowerInvariant());
                    }));
                    continue;
                }
                stdout.WriteLine($"{model.Name}: {model.Property} ({model.Unit})");
                stdout.WriteLine($"  data:     {model.Metadata.GetValueOrDefault("cft.data", "?")}");
                stdout.WriteLine($"  split:    {model.Metadata.GetValueOrDefault("cft.split", "?")}");
                stdout.WriteLine($"  elements: {string.Join(" ", model.Elements.OrderBy(z => z).Select(Elements.Symbol))}");
                string fourier = model.UsesFourierFeatures ? model.Layout.Signature : "no Fourier features";
                stdout.WriteLine($"  features: {fourier}{(model.Pairs is null ? "" : " + " + model.Pairs.Signature)}");
                if (model.Domain.IsDescribed) stdout.WriteLine($"  domain:   {model.Domain.Describe()}");
                if (model.Metadata.TryGetValue("cft.metrics", out var metrics))
                {
                    using var doc = JsonDocument.Parse(metrics);
                    if (model.Tensor is null && doc.RootElement.TryGetProperty("test", out var test) && test.TryGetProperty("mae", out var mae))
                        stdout.WriteLine(FormattableString.Invariant($"  test:     MAE {mae.GetDouble():G4} {model.Unit} over {test.GetProperty("count").GetInt32()} structures (training-mean baseline {doc.RootElement.GetProperty("baseline_train_mean_mae").GetDouble():G4})"));
                    if (model.Tensor is { } kind && doc.RootElement.TryGetProperty("test_component_mae", out var component))
                        stdout.WriteLine(FormattableString.Invariant($"  tensor:   {kind.ToString().ToLowerInvariant()} {PropertyTensorBasis.ShapeOf(kind).Rows}×{PropertyTensorBasis.ShapeOf(kind).Columns}, exactly symmetric under the point group; test MAE per component {component.GetDouble():G4} {model.Unit} (train-mean tensor {doc.RootElement.GetProperty("train_mean_component_mae").GetDouble():G4}); value column = {TensorPrediction.PrimaryScalar(kind)}"));
                    if (doc.RootElement.TryGetProperty("member_test_mae", out var member) && member.ValueKind == JsonValueKind.Object
                        && model.Metadata.TryGetValue("cft.architecture", out var architecture))
                    {
                        using var arch = JsonDocument.Parse(architecture);
                        int members = arch.RootElement.TryGetProperty("members", out var k) ? k.GetInt32() : 1;
                        stdout.WriteLine(FormattableString.Invariant($"  ensemble: {members} members (one member alone: MAE {member.GetProperty("mean").GetDouble():G4} ± {member.GetProperty("std").GetDouble():G2}); std column = their spread"));
                    }
                }
            }
        }
        return 0;
    }
}
