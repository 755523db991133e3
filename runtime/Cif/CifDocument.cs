using System;
using System.Collections.Generic;
using System.Globalization;

namespace CftRuntime.Io;

/// <summary>How a CIF value was written.</summary>
public enum CifValueKind
{
    /// <summary>An unquoted word (numbers are usually written this way).</summary>
    Text,
    /// <summary>A quoted string ('…', "…", '''…''' or """…""").</summary>
    Quoted,
    /// <summary>A semicolon-delimited text field.</summary>
    TextField,
    /// <summary>A CIF 2.0 list [...] or table {...}, kept as its raw text.</summary>
    Compound,
    /// <summary>The unquoted value <c>?</c>: unknown.</summary>
    Unknown,
    /// <summary>The unquoted value <c>.</c>: inapplicable.</summary>
    Inapplicable,
}

/// <summary>One CIF value: its text (quotes removed), how it was written, and the 1-based line it starts on.</summary>
public readonly struct CifValue
{
    /// <summary>Creates a value.</summary>
    public CifValue(string text, CifValueKind kind, int line)
    {
        Text = text;
        Kind = kind;
        Line = line;
    }

    /// <summary>The value's text without delimiters.</summary>
    public string Text { get; }

    /// <summary>How the value was written.</summary>
    public CifValueKind Kind { get; }

    /// <summary>1-based line where the value starts.</summary>
    public int Line { get; }

    /// <summary>True for <c>?</c> (unknown) and <c>.</c> (inapplicable).</summary>
    public bool IsMissing => Kind is CifValueKind.Unknown or CifValueKind.Inapplicable;

    /// <summary>Reads a number, dropping a standard uncertainty in parentheses ("1.234(5)" → 1.234).</summary>
    public bool TryGetNumber(out double value) => TryGetNumber(out value, out _);

    /// <summary>
    /// Reads a number and its standard uncertainty ("1.234(5)" → 1.234 and 0.005; 0 when none is given).
    /// False for <c>?</c>, <c>.</c>, non-numeric and non-finite text.
    /// </summary>
    public bool TryGetNumber(out double value, out double uncertainty)
    {
        value = uncertainty = 0;
        if (IsMissing || Text is null) return false;
        ReadOnlySpan<char> s = Text.AsSpan().Trim();
        int open = s.IndexOf('(');
        ReadOnlySpan<char> su = default;
        if (open >= 0)
        {
            if (s.Length < open + 3 || s[s.Length - 1] != ')') return false;
            su = s.Slice(open + 1, s.Length - open - 2);
            foreach (char c in su) if (c < '0' || c > '9') return false;
            s = s.Slice(0, open);
        }
        if (s.Length == 0 || char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[s.Length - 1])) return false;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)) return false;
        if (su.Length > 0 && double.TryParse(su, NumberStyles.None, CultureInfo.InvariantCulture, out double digits))
        {
            // The su counts units of the last digit of the mantissa, scaled by any exponent.
            int e = s.IndexOfAny('e', 'E');
            ReadOnlySpan<char> mantissa = e >= 0 ? s.Slice(0, e) : s;
            int dot = mantissa.IndexOf('.');
            int decimals = dot >= 0 ? mantissa.Length - dot - 1 : 0;
            int exponent = e >= 0 && int.TryParse(s.Slice(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int x) ? x : 0;
            uncertainty = digits * Math.Pow(10, exponent - decimals);
        }
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch { CifValueKind.Unknown => "?", CifValueKind.Inapplicable => ".", _ => Text };
}

/// <summary>A <c>loop_</c>: tags (as written) and rows of values.</summary>
public sealed class CifLoop
{
    private readonly CifValue[][] _columns;

    internal CifLoop(IReadOnlyList<string> tags, CifValue[][] columns, int line)
    {
        Tags = tags;
        _columns = columns;
        Line = line;
    }

    /// <summary>Tags as written in the file.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>1-based line of the <c>loop_</c> keyword.</summary>
    public int Line { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => _columns.Length == 0 ? 0 : _columns[0].Length;

    /// <summary>The value at a row and column.</summary>
    public CifValue this[int row, int column] => _columns[column][row];
}

/// <summary>
/// One <c>data_</c> block: its items and loops. Tag look-up is case-insensitive and treats '.' like '_'
/// (so <c>_cell.length_a</c> finds <c>_cell_length_a</c>).
/// </summary>
public sealed class CifBlock
{
    private readonly Dictionary<string, (CifValue[] Values, CifLoop? Loop)> _items = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<CifLoop> _loops = new();

    internal CifBlock(string name, int line)
    {
        Name = name;
        Line = line;
    }

    /// <summary>The block name (after <c>data_</c>).</summary>
    public string Name { get; }

    /// <summary>1-based line of the <c>data_</c> header.</summary>
    public int Line { get; }

    /// <summary>The loops in file order.</summary>
    public IReadOnlyList<CifLoop> Loops => _loops;

    /// <summary>Every tag of the block (items and loop columns) as first written, with '.' → '_'.</summary>
    public IEnumerable<string> Tags => _items.Keys;

    /// <summary>Whether the block has the tag.</summary>
    public bool Contains(string tag) => _items.ContainsKey(Normalize(tag));

    /// <summary>The value of a tag: a single item, or the first row of a loop column.</summary>
    public bool TryGetValue(string tag, out CifValue value)
    {
        value = default;
        if (!_items.TryGetValue(Normalize(tag), out var item) || item.Values.Length == 0) return false;
        value = item.Values[0];
        return true;
    }

    /// <summary>All values of a tag (one for a single item) and the loop that holds it (null for a single item).</summary>
    public bool TryGetColumn(string tag, out IReadOnlyList<CifValue> values, out CifLoop? loop)
    {
        values = Array.Empty<CifValue>();
        loop = null;
        if (!_items.TryGetValue(Normalize(tag), out var item)) return false;
        (values, loop) = (item.Values, item.Loop);
        return true;
    }

    internal bool TryAdd(string tag, CifValue[] values, CifLoop? loop) => _items.TryAdd(Normalize(tag), (values, loop));

    internal void AddLoop(CifLoop loop) => _loops.Add(loop);

    internal static string Normalize(string tag) => tag.IndexOf('.') >= 0 ? tag.Replace('.', '_') : tag;
}

/// <summary>A parsed CIF file: its data blocks in file order. Use <see cref="CifParser"/> to create one.</summary>
public sealed class CifDocument
{
    internal CifDocument(string sourceName, bool isCif2, IReadOnlyList<CifBlock> blocks)
    {
        SourceName = sourceName;
        IsCif2 = isCif2;
        Blocks = blocks;
    }

    /// <summary>The file path or source name used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>Whether the file starts with the CIF 2.0 magic comment <c>#\#CIF_2.0</c>.</summary>
    public bool IsCif2 { get; }

    /// <summary>Data blocks in file order.</summary>
    public IReadOnlyList<CifBlock> Blocks { get; }

    /// <summary>The first block with this name (case-insensitive), or null.</summary>
    public CifBlock? FindBlock(string name)
    {
        foreach (var b in Blocks) if (string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase)) return b;
        return null;
    }
}
