using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace CftRuntime.Io;

/// <summary>
/// A small RFC 4180 CSV reader: comma-separated fields, double-quoted fields that may hold commas,
/// line breaks and doubled quotes (""), \n or \r\n records. Enough for dataset files whose `cif`
/// column holds whole CIF texts.
/// </summary>
public sealed class CsvReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private int _line = 1;

    /// <summary>Reads records from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public CsvReader(TextReader reader, string sourceName)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _source = sourceName;
    }

    /// <summary>1-based line where the next record starts.</summary>
    public int Line => _line;

    /// <summary>Reads the next record; null at the end of the input.</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed.</exception>
    public string[]? ReadRecord()
    {
        if (_reader.Peek() < 0) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        int startLine = _line;
        bool quoted = false, wasQuoted = false;
        while (true)
        {
            int c = _reader.Read();
            if (quoted)
            {
                if (c < 0) throw new InvalidDataException($"{_source}:{startLine}: expected a closing '\"' for the quoted field of the record starting here");
                if (c == '"')
                {
                    if (_reader.Peek() == '"') { _reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') _line++;
                    field.Append((char)c);
                }
                continue;
            }
            if (c == '"' && field.Length == 0 && !wasQuoted) { quoted = wasQuoted = true; continue; }
            if (c == ',' ) { fields.Add(field.ToString()); field.Clear(); wasQuoted = false; continue; }
            if (c < 0 || c == '\n' || (c == '\r' && _reader.Peek() == '\n'))
            {
                if (c == '\r') _reader.Read();
                if (c >= 0) _line++;
                fields.Add(field.ToString());
                return fields.ToArray();
            }
            field.Append((char)c);
        }
    }

    /// <summary>Reads all records of a file (the first is usually the header).</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed.</exception>
    public static IEnumerable<string[]> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        var csv = new CsvReader(reader, path);
        while (csv.ReadRecord() is { } record) yield return record;
    }
}
