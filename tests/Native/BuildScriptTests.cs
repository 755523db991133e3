using Xunit;

namespace CftRuntime.Tests.Native;

/// <summary>build.ps1 through the pinned PowerShell dotnet tool, as README tells a newcomer to run it.</summary>
[Collection("Publish")]
public class BuildScriptTests
{
    private static (int Code, string Output) Run(string arguments)
    {
        var result = ChildProcess.Run("dotnet", arguments, TestData.RepositoryRoot);
        return (result.Code, result.Output);
    }

    [Fact]
    public void Examples_task_builds_and_runs_the_C_and_Fortran_examples()
    {
        var restore = Run("tool restore");
        Assert.True(restore.Code == 0, restore.Output);
        var (code, output) = Run("tool run pwsh -- -NoProfile -NonInteractive ./build.ps1 examples");
        Assert.True(code == 0, output);
        foreach (var step in new[] { "gcc featurize.c", "gfortran featurize.f90", "gcc predict.c", "gfortran predict.f90", "gcc basis.c", "gfortran basis.f90",
                                     "run featurize (C)", "run featurize (Fortran)", "run predict (C)", "run predict (Fortran)", "run basis (C)", "run basis (Fortran)" })
            Assert.Contains("==> " + step, output);
        Assert.Contains($"SrTiO3 {CftRuntime.Inference.CftModel.Open(System.IO.Path.Combine(TestData.RepositoryRoot, "models", CftRuntime.Inference.CftPredictor.DefaultModelName + ".onnx")).Property}:", output);
        Assert.Contains("Si in domain: 0 (", output);
        Assert.Contains("Fd-3m: 12 orbits", output);
    }
}

[CollectionDefinition("Publish")]
public class PublishCollection { }
