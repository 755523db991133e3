using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace CftRuntime.Inference;

/// <summary>
/// Reads the <c>metadata_props</c> of an .onnx file (ModelProto field 14: key/value string pairs) without ONNX
/// Runtime. A session costs tens of milliseconds to build; listing models, choosing them by property and checking
/// their feature layout need only these strings, so sessions are built only for the models that run.
/// </summary>
public static class OnnxMetadata
{
    private const int MetadataPropsField = 14;

    /// <summary>The metadata entries of the model file at <paramref name="path"/>.</summary>
    /// <exception cref="CftModelException">The file cannot be read or is not a protobuf-encoded ONNX model.</exception>
    public static Dictionary<string, string> Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CftModelException($"{path}: cannot read the model file: {e.Message}", e); }
        try { return Parse(bytes); }
        catch (FormatException e) { throw new CftModelException($"{path}: not an ONNX model ({e.Message})", e); }
    }

    /// <summary>The metadata entries of an ONNX ModelProto held in <paramref name="model"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a well-formed ModelProto.</exception>
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> model)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int position = 0;
        bool sawGraph = false;
        while (position < model.Length)
        {
            var (field, wire) = Tag(model, ref position);
            if (field == 7 && wire == 2) sawGraph = true;
            if (field == MetadataPropsField && wire == 2)
            {
                var entry = Bytes(model, ref position);
                string key = "", value = "";
                int p = 0;
                while (p < entry.Length)
                {
                    var (f, w) = Tag(entry, ref p);
                    if (f is 1 or 2 && w == 2)
                    {
                        string text = Encoding.UTF8.GetString(Bytes(entry, ref p));
                        if (f == 1) key = text; else value = text;
                    }
                    else Skip(entry, ref p, w);
                }
                result[key] = value;
            }
            else Skip(model, ref position, wire);
        }
        if (!sawGraph) throw new FormatException("no graph");
        return result;
    }

    private static (int Field, int Wire) Tag(ReadOnlySpan<byte> data, ref int position)
    {
        ulong tag = Varint(data, ref position);
        // Protobuf field numbers are 1 .. 2^29 − 1.
        if (tag >> 3 == 0 || tag >> 3 > (1 << 29) - 1) throw new FormatException($"field number {tag >> 3} out of range at byte {position}");
        int field = (int)(tag >> 3), wire = (int)(tag & 7);
        return (field, wire);
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) throw new FormatException("truncated varint");
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    private static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> data, ref int position)
    {
        ulong length = Varint(data, ref position);
        if (length > (ulong)(data.Length - position)) throw new FormatException($"a field of {length} bytes at byte {position} runs past the end");
        var slice = data.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int wire)
    {
        switch (wire)
        {
            case 0: Varint(data, ref position); break;
            case 1: position += 8; break;
            case 2: Bytes(data, ref position); break;
            case 5: position += 4; break;
            default: throw new FormatException($"wire type {wire} at byte {position}");
        }
        if (position > data.Length) throw new FormatException("truncated field");
    }
}
