using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace CftRuntime.Io;

/// <summary>One array for an .npy/.npz file: little-endian data of a NumPy dtype with a shape.</summary>
public sealed class NpyArray
{
    private NpyArray(string descr, long[] shape, byte[] data) { Descr = descr; Shape = shape; Data = data; }

    /// <summary>NumPy dtype string, e.g. "&lt;f4".</summary>
    public string Descr { get; }
    /// <summary>Shape.</summary>
    public long[] Shape { get; }
    /// <summary>Raw little-endian bytes, C order.</summary>
    public byte[] Data { get; }

    /// <summary>float32 array.</summary>
    public static NpyArray Float32(ReadOnlySpan<float> values, params long[] shape) => Create("<f4", MemoryMarshal.AsBytes(values).ToArray(), values.Length, shape);
    /// <summary>float64 array.</summary>
    public static NpyArray Float64(ReadOnlySpan<double> values, params long[] shape) => Create("<f8", MemoryMarshal.AsBytes(values).ToArray(), values.Length, shape);
    /// <summary>int32 array.</summary>
    public static NpyArray Int32(ReadOnlySpan<int> values, params long[] shape) => Create("<i4", MemoryMarshal.AsBytes(values).ToArray(), values.Length, shape);
    /// <summary>int64 array.</summary>
    public static NpyArray Int64(ReadOnlySpan<long> values, params long[] shape) => Create("<i8", MemoryMarshal.AsBytes(values).ToArray(), values.Length, shape);

    /// <summary>A 1-D array of fixed-width unicode strings (NumPy "&lt;U n").</summary>
    public static NpyArray Strings(IReadOnlyList<string> values)
    {
        int width = Math.Max(1, values.Count == 0 ? 1 : values.Max(v => v.Length));
        var data = new byte[values.Count * width * 4];
        for (int i = 0; i < values.Count; i++)
            for (int c = 0; c < values[i].Length; c++)
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan((i * width + c) * 4), values[i][c]);
        return new NpyArray("<U" + width.ToString(CultureInfo.InvariantCulture), new long[] { values.Count }, data);
    }

    private static NpyArray Create(string descr, byte[] data, int count, long[] shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        long product = 1;
        foreach (long d in shape) product *= d;
        if (product != count) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {product} values, data has {count}");
        return new NpyArray(descr, shape, data);
    }

    /// <summary>Writes this array in NumPy .npy format 1.0.</summary>
    public void WriteTo(Stream stream)
    {
        string shape = Shape.Length == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string header = $"{{'descr': '{Descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        int padded = (total + 63) / 64 * 64;
        header = header + new string(' ', padded - total) + "\n";
        stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)header.Length));
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(Data);
    }
}

/// <summary>Writes .npy and .npz files atomically (a temporary file renamed into place), so a failure never leaves half a file.</summary>
public static class NpyWriter
{
    /// <summary>Writes one array as .npy.</summary>
    public static void WriteNpy(string path, NpyArray array) => Atomic(path, s => array.WriteTo(s));

    /// <summary>Writes named arrays as an uncompressed .npz (a zip of .npy files, as numpy.savez).</summary>
    public static void WriteNpz(string path, IReadOnlyList<(string Name, NpyArray Array)> arrays) => Atomic(path, s =>
    {
        using var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            using var es = entry.Open();
            array.WriteTo(es);
        }
    });

    private static void Atomic(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new IOException($"{path}: directory '{dir}' does not exist");
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) write(s);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
