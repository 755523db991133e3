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
    private readonly byte[]? _data;
    private readonly NpySpool? _spool;

    private NpyArray(string descr, long[] shape, byte[]? data, NpySpool? spool) { Descr = descr; Shape = shape; _data = data; _spool = spool; }

    /// <summary>NumPy dtype string, e.g. "&lt;f4".</summary>
    public string Descr { get; }
    /// <summary>Shape.</summary>
    public long[] Shape { get; }

    /// <summary>The values a <see cref="NpySpool"/> holds, as an array of <paramref name="shape"/> (read from its file when written).</summary>
    internal static NpyArray FromSpool(NpySpool spool, long[] shape)
    {
        long product = 1;
        foreach (long d in shape) product *= d;
        if (product != spool.Count) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {product} values, the spool has {spool.Count}");
        return new NpyArray(spool.Descr, shape, null, spool);
    }

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
        return new NpyArray("<U" + width.ToString(CultureInfo.InvariantCulture), new long[] { values.Count }, data, null);
    }

    private static NpyArray Create(string descr, byte[] data, int count, long[] shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        long product = 1;
        foreach (long d in shape) product *= d;
        if (product != count) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {product} values, data has {count}");
        return new NpyArray(descr, shape, data, null);
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
        if (_data is not null) stream.Write(_data);
        else _spool!.CopyTo(stream);
    }
}

/// <summary>
/// A float32 array written in pieces to a temporary file beside the output (values appended in C order), so that an
/// array too large to hold twice in memory (every structure's features) is streamed into the .npz; disposing deletes
/// the file.
/// </summary>
public sealed class NpySpool : IDisposable
{
    private readonly FileStream _file;

    /// <summary>Creates the spool's temporary file in <paramref name="directory"/> (that of the output: the same disk).</summary>
    public NpySpool(string directory)
    {
        string path = Path.Combine(directory, ".cft-spool." + Guid.NewGuid().ToString("N") + ".tmp");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }

    /// <summary>NumPy dtype string of the values ("&lt;f4").</summary>
    public string Descr => "<f4";

    /// <summary>Values appended so far.</summary>
    public long Count { get; private set; }

    /// <summary>Appends <paramref name="values"/> after those already written.</summary>
    public void Append(ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        _file.Write(MemoryMarshal.AsBytes(values));
        Count += values.Length;
    }

    /// <summary>The values as an array of <paramref name="shape"/> (whose product must be <see cref="Count"/>); valid until disposed.</summary>
    public NpyArray ToArray(params long[] shape) => NpyArray.FromSpool(this, shape);

    internal void CopyTo(Stream stream)
    {
        _file.Flush();
        _file.Position = 0;
        _file.CopyTo(stream);
        _file.Position = _file.Length;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
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

    /// <summary>The directory <paramref name="path"/> will be written to; <see cref="IOException"/> if it does not exist.</summary>
    public static string ExistingDirectoryOf(string path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(dir)) throw new IOException($"{path}: directory '{dir}' does not exist");
        return dir;
    }

    private static void Atomic(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = ExistingDirectoryOf(path);
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
