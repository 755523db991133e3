using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CftRuntime.Generator.Parsing;

/// <summary>Kinds of JSON values.</summary>
internal enum JsonKind { Object, Array, String, Number, True, False, Null }

/// <summary>A parsed JSON value with the 0-based line and column where it starts.</summary>
internal sealed class JsonValue
{
    public JsonValue(JsonKind kind, int position, int line, int column)
    {
        Kind = kind; Position = position; Line = line; Column = column;
    }

    public JsonKind Kind { get; }
    public int Position { get; }
    public int Line { get; }
    public int Column { get; }
    public int Length { get; set; }
    public string Text { get; set; } = "";
    public List<KeyValuePair<string, JsonValue>> Members { get; } = new();
    public List<JsonValue> Items { get; } = new();

    public JsonValue? Get(string name)
    {
        foreach (var m in Members) if (m.Key == name) return m.Value;
        return null;
    }
}

/// <summary>Raised for malformed JSON; carries the position of the problem.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int position, int line, int column) : base(message)
    {
        Position = position; Line = line; Column = column;
    }

    public int Position { get; }
    public int Line { get; }
    public int Column { get; }
}

/// <summary>
/// A small strict JSON reader (RFC 8259) that records positions. Hand-written because
/// System.Text.Json cannot be loaded inside the compiler on this toolchain.
/// </summary>
internal sealed class JsonReader
{
    private readonly string _text;
    private int _pos;
    private int _line;
    private int _lineStart;

    private JsonReader(string text) { _text = text; }

    public static JsonValue Parse(string text)
    {
        var reader = new JsonReader(text);
        reader.SkipWhitespace();
        var value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._pos < text.Length) throw reader.Error("unexpected text after the end of the JSON document");
        return value;
    }

    private JsonSyntaxException Error(string message) => new(message, _pos, _line, _pos - _lineStart);

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n') { _pos++; _line++; _lineStart = _pos; }
            else if (c == ' ' || c == '\t' || c == '\r') _pos++;
            else break;
        }
    }

    private JsonValue ReadValue(int depth)
    {
        if (depth > 64) throw Error("JSON nested too deeply");
        if (_pos >= _text.Length) throw Error("unexpected end of file, expected a value");
        char c = _text[_pos];
        var start = (_pos, _line, _pos - _lineStart);
        JsonValue value;
        switch (c)
        {
            case '{':
                value = new JsonValue(JsonKind.Object, start.Item1, start.Item2, start.Item3);
                _pos++;
                SkipWhitespace();
                if (Peek() == '}') { _pos++; break; }
                while (true)
                {
                    SkipWhitespace();
                    if (Peek() != '"') throw Error("expected a property name in double quotes");
                    string name = ReadString();
                    SkipWhitespace();
                    if (Peek() != ':') throw Error($"expected ':' after property name \"{name}\"");
                    _pos++;
                    SkipWhitespace();
                    value.Members.Add(new KeyValuePair<string, JsonValue>(name, ReadValue(depth + 1)));
                    SkipWhitespace();
                    char n = Peek();
                    if (n == ',') { _pos++; continue; }
                    if (n == '}') { _pos++; break; }
                    throw Error("expected ',' or '}' in object");
                }
                break;
            case '[':
                value = new JsonValue(JsonKind.Array, start.Item1, start.Item2, start.Item3);
                _pos++;
                SkipWhitespace();
                if (Peek() == ']') { _pos++; break; }
                while (true)
                {
                    SkipWhitespace();
                    value.Items.Add(ReadValue(depth + 1));
                    SkipWhitespace();
                    char n = Peek();
                    if (n == ',') { _pos++; continue; }
                    if (n == ']') { _pos++; break; }
                    throw Error("expected ',' or ']' in array");
                }
                break;
            case '"':
                value = new JsonValue(JsonKind.String, start.Item1, start.Item2, start.Item3) { Text = ReadString() };
                break;
            case 't': value = ReadLiteral("true", JsonKind.True, start); break;
            case 'f': value = ReadLiteral("false", JsonKind.False, start); break;
            case 'n': value = ReadLiteral("null", JsonKind.Null, start); break;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    value = new JsonValue(JsonKind.Number, start.Item1, start.Item2, start.Item3) { Text = ReadNumber() };
                    break;
                }
                throw Error($"unexpected character '{c}', expected a JSON value");
        }
        value.Length = _pos - start.Item1;
        return value;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private JsonValue ReadLiteral(string word, JsonKind kind, (int, int, int) start)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0) throw Error($"invalid literal, expected '{word}'");
        _pos += word.Length;
        return new JsonValue(kind, start.Item1, start.Item2, start.Item3);
    }

    private string ReadNumber()
    {
        int begin = _pos;
        if (Peek() == '-') _pos++;
        if (!char.IsDigit(Peek())) throw Error("invalid number: expected a digit");
        while (char.IsDigit(Peek())) _pos++;
        if (Peek() == '.') { _pos++; if (!char.IsDigit(Peek())) throw Error("invalid number: expected a digit after '.'"); while (char.IsDigit(Peek())) _pos++; }
        if (Peek() == 'e' || Peek() == 'E')
        {
            _pos++;
            if (Peek() == '+' || Peek() == '-') _pos++;
            if (!char.IsDigit(Peek())) throw Error("invalid number: expected exponent digits");
            while (char.IsDigit(Peek())) _pos++;
        }
        return _text.Substring(begin, _pos - begin);
    }

    private string ReadString()
    {
        _pos++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw Error("unterminated string");
            char c = _text[_pos++];
            if (c == '"') return sb.ToString();
            if (c == '\n' || c < ' ') { _pos--; throw Error("control character or line break inside a string"); }
            if (c != '\\') { sb.Append(c); continue; }
            if (_pos >= _text.Length) throw Error("unterminated escape sequence");
            char e = _text[_pos++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        throw Error("invalid \\u escape: expected four hex digits");
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default: _pos--; throw Error($"invalid escape '\\{e}'");
            }
        }
    }
}
