using System;
using System.IO;
using System.Linq;
using System.Text;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Features;

/// <summary>.npy/.npz output is what NumPy reads.</summary>
public class NpyWriterTests
{
    [Fact]
    public void Npy_header_is_aligned_and_describes_the_array()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}.npy");
        try
        {
            NpyWriter.WriteNpy(path, NpyArray.Float32(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(0x93, bytes[0]);
            Assert.Equal("NUMPY", Encoding.ASCII.GetString(bytes, 1, 5));
            int headerLength = bytes[8] | (bytes[9] << 8);
            Assert.Equal(0, (10 + headerLength) % 64);
            string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
            Assert.Contains("'descr': '<f4'", header);
            Assert.Contains("'shape': (2, 3)", header);
            Assert.EndsWith("\n", header);
            Assert.Equal(10 + headerLength + 24, bytes.Length);
            Assert.Equal(6f, BitConverter.ToSingle(bytes, bytes.Length - 4));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Shape_must_match_the_data() =>
        Assert.Throws<ArgumentException>(() => NpyArray.Float32(new float[5], 2, 3));

    [Fact]
    public void A_missing_directory_is_an_error_and_nothing_is_written()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cft-missing-{Guid.NewGuid():N}");
        Assert.Throws<IOException>(() => NpyWriter.WriteNpy(Path.Combine(dir, "x.npy"), NpyArray.Int32(new[] { 1 }, 1)));
        Assert.False(Directory.Exists(dir));
    }

    /// <summary>NumPy itself reads the files (Debian's python3-numpy, installed by .ci/run).</summary>
    [Fact]
    public void Numpy_reads_npy_and_npz()
    {
        using var temp = new TempFolder("cft-np");
        string dir = temp.Path;
        NpyWriter.WriteNpy(Path.Combine(dir, "a.npy"), NpyArray.Float32(new float[] { 1.5f, -2, 3, 4 }, 2, 2));
        NpyWriter.WriteNpz(Path.Combine(dir, "b.npz"), new[]
        {
            ("features", NpyArray.Float32(new float[] { 0.25f, 0.5f, 0.75f }, 3, 1)),
            ("ids", NpyArray.Strings(new[] { "mp-1", "abc-42" })),
            ("site_start", NpyArray.Int64(new long[] { 0, 1, 3 }, 3)),
        });
        string script = "import numpy as np, sys; a = np.load(sys.argv[1] + '/a.npy'); b = np.load(sys.argv[1] + '/b.npz'); " +
                        "print(a.dtype, a.shape, a.sum(), b['features'].shape, list(b['ids']), list(b['site_start']))";
        var (exitCode, output) = TestData.RunPython(script, dir);
        Assert.True(exitCode == 0, output);
        Assert.Equal("float32 (2, 2) 6.5 (3, 1) ['mp-1', 'abc-42'] [0, 1, 3]", output.Trim().Replace("np.str_(", "").Replace("np.int64(", "").Replace("')", "'").Replace("),", ",").Replace(")]", "]"));
    }
    [Fact]
    public void A_spooled_array_is_written_byte_for_byte_as_the_same_array_in_memory_and_its_file_is_removed()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var values = new float[3 * 700];
            for (int i = 0; i < values.Length; i++) values[i] = MathF.Sin(i) * 1e3f;
            using (var spool = new NpySpool(dir))
            {
                for (int lo = 0; lo < values.Length; lo += 999) spool.Append(values.AsSpan(lo, Math.Min(999, values.Length - lo)));
                Assert.Equal(values.Length, spool.Count);
                Assert.Throws<ArgumentException>(() => spool.ToArray(700, 4));
                NpyWriter.WriteNpy(Path.Combine(dir, "spooled.npy"), spool.ToArray(700, 3));
                // Written twice: the spool stays readable until it is disposed.
                NpyWriter.WriteNpz(Path.Combine(dir, "spooled.npz"), new[] { ("a", spool.ToArray(700, 3)), ("b", spool.ToArray(2100)) });
            }
            NpyWriter.WriteNpy(Path.Combine(dir, "memory.npy"), NpyArray.Float32(values, 700, 3));
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "memory.npy")), File.ReadAllBytes(Path.Combine(dir, "spooled.npy")));
            Assert.Equal(new[] { "memory.npy", "spooled.npy", "spooled.npz" }, Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }
}
