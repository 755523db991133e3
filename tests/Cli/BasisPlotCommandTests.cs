using System;
using System.IO;
using SkiaSharp;
using Xunit;

namespace CftRuntime.Tests.Cli;

/// <summary><c>cft basis plot</c>: a PNG of S_h over a plane.</summary>
[Collection("Console")]
public class BasisPlotCommandTests
{
    [Fact]
    public void Writes_a_png_of_the_requested_size_with_the_plane_the_right_way_up()
    {
        string dir = Directory.CreateTempSubdirectory("cft-plot-").FullName;
        try
        {
            string png = Path.Combine(dir, "slice.png");
            // P1, h = (0 1 0): Im S = sin(2πy) on z = 0, +1 at y = 1/4 (lower half) and −1 at y = 3/4 (upper half).
            var (code, output, error) = CliRunner.Run("basis", "plot", "--group", "1", "--hkl", "0,1,0", "--plane", "z=0", "--part", "im", "--size", "400x400", "--out", png);
            Assert.True(code == 0, error);
            Assert.Contains("Im S(0 1 0) on z=0 in P1 (No. 1), 1 plane waves", output);
            Assert.Contains("range [-1.0000, 1.0000]", output);
            using var bitmap = SKBitmap.Decode(png);
            Assert.Equal(400, bitmap.Width);
            Assert.Equal(400, bitmap.Height);
            // The diverging map: +1 is red, −1 is blue. Sample the middle column of the heat map.
            var upper = bitmap.GetPixel(150, 130);
            var lower = bitmap.GetPixel(150, 290);
            Assert.True(upper.Blue > upper.Red + 40, $"upper half should be blue (negative), got {upper}");
            Assert.True(lower.Red > lower.Blue + 40, $"lower half should be red (positive), got {lower}");
            // Along x nothing changes.
            var left = bitmap.GetPixel(90, 290);
            Assert.True(Math.Abs(left.Red - lower.Red) < 8 && Math.Abs(left.Blue - lower.Blue) < 8, $"{left} vs {lower}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_systematic_absence_is_refused_and_nothing_is_written()
    {
        string dir = Directory.CreateTempSubdirectory("cft-plot-").FullName;
        try
        {
            string png = Path.Combine(dir, "slice.png");
            var (code, output, error) = CliRunner.Run("basis", "plot", "--group", "Fd-3m", "--hkl", "2,0,0", "--out", png);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Contains("(2 0 0) is a systematic absence of Fd-3m (No. 227)", error);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--group", "999", "--hkl", "1,0,0")]
    [InlineData("--group", "14", "--hkl", "1,0")]
    [InlineData("--group", "14", "--hkl", "1,0,0", "--plane", "w=0")]
    [InlineData("--group", "14", "--hkl", "1,0,0", "--resolution", "1")]
    [InlineData("--group", "14", "--hkl", "1,0,0", "--cells", "0")]
    [InlineData("--group", "14", "--hkl", "1,0,0", "--size", "10x10")]
    [InlineData("--group", "14", "--hkl", "1,0,0", "--part", "phase")]
    public void Bad_arguments_exit_with_code_2(params string[] args)
    {
        string dir = Directory.CreateTempSubdirectory("cft-plot-").FullName;
        try
        {
            var (code, output, error) = CliRunner.Run(["basis", "plot", .. args, "--out", Path.Combine(dir, "x.png")]);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.StartsWith("cft: ", error);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_missing_output_directory_is_named()
    {
        var (code, _, error) = CliRunner.Run("basis", "plot", "--group", "14", "--hkl", "1,0,0", "--out", "/nonexistent-dir/x.png");
        Assert.Equal(2, code);
        Assert.Contains("'/nonexistent-dir' does not exist", error);
    }
}
