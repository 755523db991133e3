using System;
using System.Collections.Generic;
using System.IO;

namespace CftRuntime.Io;

/// <summary>
/// Parses CIF 1.1 and the common CIF 2.0 syntax into a <see cref="CifDocument"/>: data blocks, items,
/// <c>loop_</c>, quoted strings (CIF 1.1: a quote ends a string only when followed by whitespace, so
/// 'it's' is one value), semicolon text fields, comments, <c>?</c> and <c>.</c>; CIF 2.0 (magic
/// <c>#\#CIF_2.0</c>) adds '''…''' / """…""" strings and lists/tables kept as raw text. Save frames are
/// skipped. A single forward scan without regular expressions or recursion; any malformed input gives
/// a <see cref="CifException"/> naming the file and line.
/// </summary>
public static class CifParser
{
    /// <summary>Reads and parses a file.</summary>
    /// <exception cref="CifException">The file cannot be read or is not valid CIF.</exception>
    public static CifDocument ParseFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CifException(path, 0, "cannot read the file: " + e.Message, e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses CIF text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="CifException">The text is not valid CIF.</exception>
    public static CifDocument Parse(string text, string sourceName)
    {
        if (text is null) throw new CifException(sourceName, 0, "expected CIF text, got null");
        var lexer = new Lexer(text, sourceName);
        var blocks = new List<CifBlock>();
        CifBlock? block = null;
        while (true)
        {
            var t = lexer.Next();
            switch (t.Kind)
            {
                case TokenKind.End:
                    return new CifDocument(sourceName, lexer.IsCif2, blocks);
                case TokenKind.Data:
                    if (t.Text.Length == 0) throw lexer.Error(t.Line, "expected a block name after 'data_'");
                    block = new CifBlock(t.Text, t.Line);
                    blocks.Add(block);
                    break;
                case TokenKind.Tag:
                {
                    if (block is null) throw lexer.Error(t.Line, $"expected 'data_' before the first tag '{t.Text}'");
                    var v = lexer.Next();
                    if (v.Kind != TokenKind.Value) throw lexer.Error(v.Kind == TokenKind.End ? t.Line : v.Line, $"expected a value after '{t.Text}'");
                    if (!block.TryAdd(t.Text, new[] { v.Value }, null)) throw lexer.Error(t.Line, $"duplicate tag '{t.Text}' in block 'data_{block.Name}'");
                    break;
                }
                case TokenKind.Loop:
                    if (block is null) throw lexer.Error(t.Line, "expected 'data_' before 'loop_'");
                    ReadLoop(lexer, block, t.Line);
                    break;
                case TokenKind.Save:
                    if (t.Text.Length == 0) throw lexer.Error(t.Line, "'save_' closes a save frame, but none is open");
                    SkipSaveFrame(lexer, t);
                    break;
                case TokenKind.Reserved:
                    throw lexer.Error(t.Line, $"'{t.Text}' is a reserved word and not allowed in CIF");
                default: // a value where a tag was expected
                    throw lexer.Error(t.Line, $"expected a tag, 'loop_' or 'data_', found value '{Shorten(t.Value.Text)}'");
            }
        }
    }

    private static void ReadLoop(Lexer lexer, CifBlock block, int loopLine)
    {
        var tags = new List<string>();
        var t = lexer.Next();
        while (t.Kind == TokenKind.Tag)
        {
            tags.Add(t.Text);
            t = lexer.Next();
        }
        if (tags.Count == 0) throw lexer.Error(loopLine, "expected tags after 'loop_'");
        var values = new List<CifValue>();
        while (t.Kind == TokenKind.Value)
        {
            values.Add(t.Value);
            t = lexer.Next();
        }
        lexer.PushBack(t);
        if (values.Count == 0) throw lexer.Error(loopLine, $"expected values for the loop of '{tags[0]}'");
        if (values.Count % tags.Count != 0)
            throw lexer.Error(loopLine, $"the loop of '{tags[0]}' has {tags.Count} tags but {values.Count} values, not a multiple of {tags.Count}");
        int rows = values.Count / tags.Count;
        var columns = new CifValue[tags.Count][];
        for (int c = 0; c < tags.Count; c++)
        {
            columns[c] = new CifValue[rows];
            for (int r = 0; r < rows; r++) columns[c][r] = values[r * tags.Count + c];
        }
        var loop = new CifLoop(tags, columns, loopLine);
        block.AddLoop(loop);
        for (int c = 0; c < tags.Count; c++)
            if (!block.TryAdd(tags[c], columns[c], loop)) throw lexer.Error(loopLine, $"duplicate tag '{tags[c]}' in block 'data_{block.Name}'");
    }

    private static void SkipSaveFrame(Lexer lexer, Token open)
    {
        while (true)
        {
            var t = lexer.Next();
            if (t.Kind == TokenKind.End) throw lexer.Error(open.Line, $"save frame 'save_{open.Text}' is not closed by 'save_'");
            if (t.Kind == TokenKind.Save && t.Text.Length == 0) return;
            if (t.Kind == TokenKind.Data) throw lexer.Error(t.Line, $"expected 'save_' to close 'save_{open.Text}' before 'data_{t.Text}'");
        }
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 37) + "...";

    private enum TokenKind { End, Data, Loop, Save, Reserved, Tag, Value }

    private readonly record struct Token(TokenKind Kind, string Text, CifValue Value, int Line);

    /// <summary>Splits CIF text into tokens, counting lines.</summary>
    private sealed class Lexer
    {
        private readonly string _s;
        private readonly string _source;
        private int _pos;
        private int _line = 1;
        private Token? _pushedBack;

        public Lexer(string text, string source)
        {
            _s = text;
            _source = source;
            if (_s.Length > 0 && _s[0] == '\uFEFF') _pos = 1;
            IsCif2 = string.CompareOrdinal(_s, _pos, "#\\#CIF_2.0", 0, 10) == 0;
        }

        public bool IsCif2 { get; }

        public CifException Error(int line, string problem) => new(_source, line, problem);

        public void PushBack(Token t) => _pushedBack = t;

        public Token Next()
        {
            if (_pushedBack is { } p)
            {
                _pushedBack = null;
                return p;
            }
            SkipWhitespaceAndComments();
            if (_pos >= _s.Length) return new Token(TokenKind.End, "", default, _line);
            char c = _s[_pos];
            int line = _line;
            if (c == ';' && AtLineStart()) return Value(TextField(), CifValueKind.TextField, line);
            if (IsCif2 && (c == '\'' || c == '"') && _pos + 2 < _s.Length && _s[_pos + 1] == c && _s[_pos + 2] == c)
                return Value(TripleQuoted(c), CifValueKind.Quoted, line);
            if (c == '\'' || c == '"') return Value(Quoted(c), CifValueKind.Quoted, line);
            if (IsCif2 && (c == '[' || c == '{')) return Value(Compound(), CifValueKind.Compound, line);

            int start = _pos;
            while (_pos < _s.Length && !IsWhite(_s[_pos])) _pos++;
            string word = _s.Substring(start, _pos - start);
            if (c == '_') return new Token(TokenKind.Tag, word, default, line);
            if (word.Length == 1 && c == '?') return Value("?", CifValueKind.Unknown, line);
            if (word.Length == 1 && c == '.') return Value(".", CifValueKind.Inapplicable, line);
            if (StartsWith(word, "data_")) return new Token(TokenKind.Data, word.Substring(5), default, line);
            if (StartsWith(word, "save_")) return new Token(TokenKind.Save, word.Substring(5), default, line);
            if (word.Equals("loop_", StringComparison.OrdinalIgnoreCase)) return new Token(TokenKind.Loop, word, default, line);
            if (word.Equals("global_", StringComparison.OrdinalIgnoreCase) || word.Equals("stop_", StringComparison.OrdinalIgnoreCase))
                return new Token(TokenKind.Reserved, word, default, line);
            return Value(word, CifValueKind.Text, line);
        }

        private static Token Value(string text, CifValueKind kind, int line) => new(TokenKind.Value, "", new CifValue(text, kind, line), line);

        private static bool StartsWith(string word, string prefix) => word.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

        private static bool IsWhite(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r';

        private bool AtLineStart() => _pos == 0 || _s[_pos - 1] == '\n' || _s[_pos - 1] == '\r' || (_pos == 1 && _s[0] == '\uFEFF');

        /// <summary>Consumes one character, counting a line for \n, \r\n and a lone \r.</summary>
        private void Step()
        {
            char c = _s[_pos++];
            if (c == '\n' || (c == '\r' && (_pos >= _s.Length || _s[_pos] != '\n'))) _line++;
        }

        private void SkipWhitespaceAndComments()
        {
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                if (IsWhite(c)) Step();
                else if (c == '#') { while (_pos < _s.Length && _s[_pos] != '\n' && _s[_pos] != '\r') _pos++; }
                else return;
            }
        }

        /// <summary>A field from ';' at a line start to the next line that starts with ';'.</summary>
        private string TextField()
        {
            int openLine = _line;
            _pos++; // the opening ';'
            int start = _pos;
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                if (c == '\n' || c == '\r')
                {
                    int end = _pos;
                    Step();
                    if (c == '\r' && _pos < _s.Length && _s[_pos] == '\n') Step();
                    if (_pos < _s.Length && _s[_pos] == ';')
                    {
                        _pos++;
                        return _s.Substring(start, end - start);
                    }
                }
                else _pos++;
            }
            throw Error(openLine, "expected a line starting with ';' to close the text field opened here");
        }

        /// <summary>CIF 1.1: the string ends at a matching quote followed by whitespace; CIF 2.0: at the first matching quote.</summary>
        private string Quoted(char quote)
        {
            int start = ++_pos;
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                if (c == '\n' || c == '\r') break;
                if (c == quote && (IsCif2 || _pos + 1 >= _s.Length || IsWhite(_s[_pos + 1])))
                {
                    string text = _s.Substring(start, _pos - start);
                    _pos++;
                    return text;
                }
                _pos++;
            }
            throw Error(_line, $"expected a closing {quote} before the end of the line (quoted strings cannot span lines; use a ';' text field)");
        }

        private string TripleQuoted(char quote)
        {
            int openLine = _line;
            _pos += 3;
            int start = _pos;
            while (_pos < _s.Length)
            {
                if (_s[_pos] == quote && _pos + 2 < _s.Length && _s[_pos + 1] == quote && _s[_pos + 2] == quote)
                {
                    string text = _s.Substring(start, _pos - start);
                    _pos += 3;
                    return text;
                }
                Step();
            }
            throw Error(openLine, $"expected {quote}{quote}{quote} to close the string opened here");
        }

        /// <summary>A CIF 2.0 list or table, returned as raw text; brackets are matched with a depth counter (no recursion).</summary>
        private string Compound()
        {
            int openLine = _line, start = _pos;
            var closers = new Stack<char>();
            while (_pos < _s.Length)
            {
                char c = _s[_pos];
                if (c == '[' || c == '{') { closers.Push(c == '[' ? ']' : '}'); _pos++; }
                else if (c == ']' || c == '}')
                {
                    if (closers.Pop() != c) throw Error(_line, $"expected '{(c == ']' ? '}' : ']')}' but found '{c}' in a list or table");
                    _pos++;
                    if (closers.Count == 0) return _s.Substring(start, _pos - start);
                }
                else if (c == '\'' || c == '"')
                {
                    if (_pos + 2 < _s.Length && _s[_pos + 1] == c && _s[_pos + 2] == c) TripleQuoted(c);
                    else Quoted(c);
                }
                else if (c == '#') { while (_pos < _s.Length && _s[_pos] != '\n' && _s[_pos] != '\r') _pos++; }
                else Step();
            }
            throw Error(openLine, "expected the list or table opened here to be closed");
        }
    }
}
