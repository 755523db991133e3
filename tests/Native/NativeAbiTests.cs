using System;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Native;

/// <summary>libcft.so: published with NativeAOT, called from the C example (gcc) and the Fortran example (gfortran).</summary>
[Collection("Publish")]
public class NativeAbiTests
{
    private static (int Code, string Output) Run(string file, string arguments, string workingDirectory, string? libraryPath = null)
    {
        var result = ChildProcess.Run(file, arguments, workingDirectory, libraryPath);
        return (result.Code, result.Output);
    }

    /// <summary>What native/examples/basis.c prints, computed from the compiled tables and the definition of S_h.</summary>
    private static string[] ExpectedBasisLines()
    {
        var setting = SpaceGroups.Find("Fd-3m");
        var table = setting.Basis;
        var description = CftRuntime.Basis.BasisDescription.FromTable(table);
        int members = description.Orbits.Sum(o => o.Members.Count);
        int n = table.PhaseDenominator;
        var lines = new System.Collections.Generic.List<string>
        {
            $"Fd-3m: {description.Orbits.Count} orbits, {members} members, {description.Extinct.Count} extinct, phase denominator {n}",
        };
        for (int o = 0; o < 4; o++)
        {
            var orbit = description.Orbits[o];
            var text = new System.Text.StringBuilder($"orbit {o}:");
            for (int m = 0; m < orbit.Members.Count; m++)
            {
                var (h, k, l) = orbit.Members[m];
                text.Append($" ({h} {k} {l})");
                var (p, q) = orbit.Phases[m];
                // The ABI gives every phase over the setting's common denominator N.
                if (p != 0) text.Append($"*e({p * (n / q)}/{n})");
            }
            lines.Add(text.ToString());
        }
        var (eh, ek, el) = description.Extinct[0];
        lines.Add($"first extinct: ({eh} {ek} {el})");
        var ops = setting.Operations();
        var a = CftRuntime.Basis.SymmetrisedPlaneWave.EvaluateDirect(ops, 1, 1, 1, 0, 0, 0);
        var b = CftRuntime.Basis.SymmetrisedPlaneWave.EvaluateDirect(ops, 1, 1, 1, 0.125, 0.125, 0.125);
        static double Clean(double x) => Math.Abs(x) < 1e-12 ? 0.0 : x;
        static string Signed(double x) => (Clean(x) >= 0 ? "+" : "-") + Math.Abs(Clean(x)).ToString("F12", System.Globalization.CultureInfo.InvariantCulture);
        lines.Add(FormattableString.Invariant($"S(1 1 1): {Clean(a.Real):F12} {Signed(a.Imaginary)}i at (0 0 0), {Clean(b.Real):F12} {Signed(b.Imaginary)}i at (1/8 1/8 1/8)"));
        lines.Add("S(2 0 0): 0.000000000000 0.000000000000");
        lines.Add("short orbit_start: status 3");
        lines.Add("unknown group: status 2, unknown space group 'Q42'");
        return lines.ToArray();
    }

    [Fact]
    public void C_and_Fortran_examples_run_against_the_published_library()
    {
        string root = TestData.RepositoryRoot;
        using var temp = new TempFolder("cft-native");
        string dir = temp.Path;
        var publish = Run("dotnet", $"publish native/Cft.Native.csproj -c Release -o \"{dir}\"", root);
        Assert.True(publish.Code == 0, publish.Output);
        Assert.True(File.Exists(Path.Combine(dir, "libcft.so")));
        Assert.DoesNotContain("warning IL", publish.Output);
        string exe = Path.Combine(dir, "featurize_c");
        var gcc = Run("gcc", $"-Wall -Wextra -Werror -o \"{exe}\" native/examples/featurize.c -Inative/include -L\"{dir}\" -lcft", root);
        Assert.True(gcc.Code == 0, gcc.Output);
        var (code, output) = Run(exe, "", dir, dir);
        Assert.True(code == 0, output);
        var lines = output.Trim().Split('\n');
        Assert.StartsWith("cft ", lines[0]);
        Assert.Contains("F = 728, Fm-3m = No. 225, |G| = 192", lines[0]);
        // The values equal the managed featurizer's.
        var nacl = new Crystal("NaCl", Lattice.FromParameters(5.64, 5.64, 5.64, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(225)),
            new[] { new Site(11, 0, 0, 0), new Site(17, 0.5, 0.5, 0.5) });
        var f = new Featurizer().Featurize(nacl);
        Assert.Equal(FormattableString.Invariant($"unique sites: 2 rows; Na re(1,1,1) = {f[0]:F6}, Cl re(1,1,1) = {f[728]:F6}"), lines[1]);
        Assert.Equal("full cell, detected: 2 rows", lines[2]);
        Assert.Equal("space group 999: status 2, space_group must be 0 (detect) or 1..230, got 999", lines[3]);
        Assert.Equal("short buffer: status 3, rows needed 2", lines[4]);
        Assert.StartsWith("NULL lattice: status 1,", lines[5]);

        // The same from Fortran through the iso_c_binding module native/cft.f90.
        string fexe = Path.Combine(dir, "featurize_f");
        var gfortran = Run("gfortran", $"-Wall -J \"{dir}\" -o \"{fexe}\" native/cft.f90 native/examples/featurize.f90 -L\"{dir}\" -lcft", root);
        Assert.True(gfortran.Code == 0, gfortran.Output);
        var (fcode, foutput) = Run(fexe, "", dir, dir);
        Assert.True(fcode == 0, foutput);
        var flines = foutput.Trim().Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Equal(lines[0], flines[0]);
        Assert.Equal(FormattableString.Invariant($"unique sites: 2 rows; Na re(1,1,1) = {f[0],9:F6}, Cl re(1,1,1) = {f[728],9:F6}"), flines[1]);
        Assert.Equal(lines[3], flines[2]);

        // The basis tables through cft_basis_size/cft_basis_table/cft_basis_evaluate (native/examples/basis.c) equal the managed ones.
        string bexe = Path.Combine(dir, "basis_c");
        var gccBasis = Run("gcc", $"-Wall -Wextra -Werror -o \"{bexe}\" native/examples/basis.c -Inative/include -L\"{dir}\" -lcft", root);
        Assert.True(gccBasis.Code == 0, gccBasis.Output);
        var (bcode, boutput) = Run(bexe, "", dir, dir);
        Assert.True(bcode == 0, boutput);
        var expectedBasis = ExpectedBasisLines();
        Assert.Equal(expectedBasis, boutput.Trim().Split('\n'));
        string bfexe = Path.Combine(dir, "basis_f");
        var gfortranBasis = Run("gfortran", $"-Wall -J \"{dir}\" -o \"{bfexe}\" native/cft.f90 native/examples/basis.f90 -L\"{dir}\" -lcft", root);
        Assert.True(gfortranBasis.Code == 0, gfortranBasis.Output);
        var (bfcode, bfoutput) = Run(bfexe, "", dir, dir);
        Assert.True(bfcode == 0, bfoutput);
        var bflines = bfoutput.Trim().Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Equal(expectedBasis[0], bflines[0]);
        Assert.Equal(expectedBasis[2], bflines[1]);
        var s111 = CftRuntime.Basis.SymmetrisedPlaneWave.EvaluateDirect(SpaceGroups.Find("Fd-3m").Operations(), 1, 1, 1, 0, 0, 0);
        Assert.Equal(FormattableString.Invariant($"S(1 1 1): {s111.Real,15:F12} at (0 0 0), "), bflines[2][..(bflines[2].LastIndexOf(',') + 2)]);

        // Misuse of every function (NULL, negative counts, unknown groups, short buffers, bad inputs) and
        // 8 threads × 1000 calls compared with the serial result (native/tests/abi_check.c).
        string check = Path.Combine(dir, "abi_check");
        var gccCheck = Run("gcc", $"-Wall -Wextra -Werror -pthread -o \"{check}\" native/tests/abi_check.c -Inative/include -L\"{dir}\" -lcft -lm", root);
        Assert.True(gccCheck.Code == 0, gccCheck.Output);
        string failing = Path.Combine(dir, "fails-to-run.onnx");
        CftRuntime.Tests.Inference.ModelTestData.WriteModelThatFailsToRun(failing);
        var (ccode, coutput) = Run(check, $"\"{failing}\"", dir, dir);
        Assert.True(ccode == 0, coutput);
        Assert.Equal("abi ok", coutput.Trim());

        // Model handles and cft_predict (native/examples/predict.c) with the default model, found beside the
        // published library with no configuration, agree with the managed predictor.
        Assert.True(File.Exists(Path.Combine(dir, "models", CftRuntime.Inference.CftPredictor.DefaultModelName + ".onnx")), "the shipped models are published beside libcft.so");
        // The program lives in another folder and finds libcft.so through its rpath (no LD_LIBRARY_PATH): the
        // library finds libonnxruntime.so and models/ beside itself, not beside the program.
        string bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        string pexe = Path.Combine(bin, "predict_c");
        var gccPredict = Run("gcc", $"-Wall -Wextra -Werror -o \"{pexe}\" native/examples/predict.c -Inative/include -L\"{dir}\" -lcft -Wl,-rpath,\"{dir}\"", root);
        Assert.True(gccPredict.Code == 0, gccPredict.Output);
        var (pcode, poutput) = Run(pexe, "", bin);
        Assert.True(pcode == 0, poutput);
        var plines = poutput.Trim().Split('\n');
        using var predictor = CftRuntime.Inference.CftPredictor.Load([Path.Combine(root, "models", CftRuntime.Inference.CftPredictor.DefaultModelName + ".onnx")]);
        double a = 3.905;
        var srtio3 = new Crystal("SrTiO3", Lattice.FromParameters(a, a, a, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(221)),
            new[] { new Site(38, 0, 0, 0), new Site(22, 0.5, 0.5, 0.5), new Site(8, 0.5, 0.5, 0) });
        var managed = predictor.Predict(srtio3).Predictions[0];
        double expected = managed.Value;
        string property = managed.Property, unit = managed.Unit;
        // The C program predicts a batch of two, the managed predictor one structure: equal to the printed 6
        // decimals up to a float rounding (ONNX Runtime's GEMM blocking depends on the batch size).
        Assert.Equal($"SrTiO3 {property}: # {unit} (every atom), # {unit} (unique sites in Pm-3m)", Numbers(plines[0], expected, expected));
        // The ensemble's uncertainty and the domain check (cft_predict_ex), as the managed predictor gives them.
        Assert.True(managed.InDomain, managed.DomainNote);
        Assert.Equal($"uncertainty: # {unit}, in domain: 1 1", Numbers(plines[1], managed.Std!.Value));
        var si = Assert.Single(predictor.Predict(new Crystal("Si", Lattice.FromParameters(5.431, 5.431, 5.431, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(227)),
            new[] { new Site(14, 0.125, 0.125, 0.125) }), outOfDomain: true).Predictions);
        Assert.False(si.InDomain);
        Assert.Equal($"Si in domain: 0 ({si.DomainNote})", plines[2]);
        Assert.Contains("2 atoms per primitive cell; trained on 5", plines[2]);
        Assert.StartsWith("NULL lattices: status 1, ", plines[3]);
        Assert.Equal("negative site count: status 1, structure 1: site_counts[1] must be positive, got -1", plines[4]);
        Assert.Equal("closed twice: status 1", plines[5]);
        Assert.Equal("closed handle: status 1", plines[6]);
        Assert.StartsWith("missing model: status 6, /nonexistent/model.onnx: model file not found", plines[7]);

        // The same from Fortran (native/examples/predict.f90).
        string pfexe = Path.Combine(dir, "predict_f");
        var gfortranPredict = Run("gfortran", $"-Wall -J \"{dir}\" -o \"{pfexe}\" native/cft.f90 native/examples/predict.f90 -L\"{dir}\" -lcft", root);
        Assert.True(gfortranPredict.Code == 0, gfortranPredict.Output);
        var (pfcode, pfoutput) = Run(pfexe, "", dir, dir);
        Assert.True(pfcode == 0, pfoutput);
        var pflines = pfoutput.Trim().Split('\n');
        Assert.Equal($"SrTiO3 {property}: every atom #, unique sites # {unit}", Numbers(pflines[0].Trim(), expected, expected));
        Assert.Equal("uncertainty #, in domain 1", Numbers(pflines[1].Trim(), managed.Std!.Value));

        // Tensor models through cft_model_tensor/cft_predict_tensor (native/examples/tensor.c): exactly isotropic for
        // cubic NaCl in the caller's frame, turned or not; exactly zero piezoelectricity for it; 6mm's e15 = e24 for ZnO.
        string texe = Path.Combine(bin, "tensor_c");
        var gccTensor = Run("gcc", $"-Wall -Wextra -Werror -o \"{texe}\" native/examples/tensor.c -Inative/include -L\"{dir}\" -lcft -lm -Wl,-rpath,\"{dir}\"", root);
        Assert.True(gccTensor.Code == 0, gccTensor.Output);
        var (tcode, toutput) = Run(texe, "", bin);
        Assert.True(tcode == 0, toutput);
        var tlines = toutput.Trim().Split('\n');
        Assert.Matches(@"^NaCl dielectric 3x3: [0-9.]+, exactly isotropic: 1 \(a along x\) 1 \(turned frame\), same value: 1$", tlines[0]);
        Assert.StartsWith("cft_predict on the tensor model: ", tlines[1]);
        Assert.Equal("NaCl piezoelectric 3x6: nonzero entries 0", tlines[2]);
        Assert.Matches(@"^ZnO piezoelectric: nonzero entries [1-9][0-9]*, e33 = -?[0-9.]+ C/m\^2, e15 = e24: 1$", tlines[3]);
        Assert.Equal("scalar model: status 1", tlines[4]);
    }

    /// <summary>
    /// <paramref name="line"/> with each decimal number (6 decimals, as the examples print) replaced by '#' after
    /// checking it against the next of <paramref name="expected"/> to 2e-6 (the printed rounding and float rounding).
    /// </summary>
    private static string Numbers(string line, params double[] expected)
    {
        int next = 0;
        string result = System.Text.RegularExpressions.Regex.Replace(line, @"-?\d+\.\d{6}\b", m =>
        {
            Assert.True(next < expected.Length, $"more numbers than expected in '{line}'");
            double value = double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(value - expected[next]) <= 2e-6 * Math.Max(1, Math.Abs(expected[next])), $"'{line}': {m.Value} vs {expected[next]}");
            next++;
            return "#";
        });
        Assert.Equal(expected.Length, next);
        return System.Text.RegularExpressions.Regex.Replace(result, @"\s+#", " #");
    }
}
