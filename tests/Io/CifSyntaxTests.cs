using System;
using System.Linq;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Io;

/// <summary>The tricky parts of CIF syntax, one small text each.</summary>
public class CifSyntaxTests
{
    private static CifBlock Single(string text) => Assert.Single(CifParser.Parse(text, "t.cif").Blocks);

    private static string Text(CifBlock block, string tag)
    {
        Assert.True(block.TryGetValue(tag, out var v), $"missing {tag}");
        return v.Text;
    }

    [Fact]
    public void A_quote_ends_a_string_only_when_followed_by_whitespace()
    {
        var b = Single("data_q\n_a 'it's'\n_b \"say \"hi\"now\"\n_c 'x'  _d \"\"\n_e 'a'b' # comment\n");
        Assert.Equal("it's", Text(b, "_a"));
        Assert.Equal("say \"hi\"now", Text(b, "_b"));
        Assert.Equal("x", Text(b, "_c"));
        Assert.Equal("", Text(b, "_d"));
        Assert.Equal("a'b", Text(b, "_e"));
        Assert.True(b.TryGetValue("_a", out var v));
        Assert.Equal(CifValueKind.Quoted, v.Kind);
    }

    [Fact]
    public void Semicolon_text_fields_span_lines_and_keep_line_numbers_right()
    {
        var b = Single("data_t\n_text\n;first line\n  second; 'line'\n;\n_after 1\n");
        Assert.Equal("first line\n  second; 'line'", Text(b, "_text"));
        Assert.True(b.TryGetValue("_after", out var after));
        Assert.Equal(6, after.Line);
        var crlf = Single("data_t\r\n_text\r\n;a\r\nb\r\n;\r\n_after 1\r\n");
        Assert.Equal("a\r\nb", Text(crlf, "_text"));
        Assert.True(crlf.TryGetValue("_after", out after));
        Assert.Equal(6, after.Line);
    }

    [Theory]
    [InlineData("1.234(5)", 1.234, 0.005)]
    [InlineData("12(3)", 12, 3)]
    [InlineData("-0.25", -0.25, 0)]
    [InlineData(".5", 0.5, 0)]
    [InlineData("1.5e-3(2)", 1.5e-3, 2e-4)]
    public void Numbers_with_standard_uncertainties(string text, double value, double su)
    {
        Assert.True(new CifValue(text, CifValueKind.Text, 1).TryGetNumber(out double v, out double u));
        Assert.Equal(value, v, 12);
        Assert.Equal(su, u, 12);
    }

    [Theory]
    [InlineData("1.2(")]
    [InlineData("1.2(x)")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Non_numbers_are_not_numbers(string text) => Assert.False(new CifValue(text, CifValueKind.Text, 1).TryGetNumber(out _));

    [Fact]
    public void Unknown_and_inapplicable_are_distinct_from_quoted_question_marks()
    {
        var b = Single("data_m\n_u ?\n_i .\n_q '?'\n");
        Assert.True(b.TryGetValue("_u", out var u));
        Assert.Equal(CifValueKind.Unknown, u.Kind);
        Assert.True(b.TryGetValue("_i", out var i));
        Assert.Equal(CifValueKind.Inapplicable, i.Kind);
        Assert.True(b.TryGetValue("_q", out var q));
        Assert.False(q.IsMissing);
    }

    [Fact]
    public void Loops_tags_are_case_insensitive_and_dots_match_underscores()
    {
        var b = Single("data_l\nloop_\n_Atom_Site_Label\n_atom_site.fract_x\nA 0.1 B 0.2\nC 0.3\n# trailing\n");
        Assert.True(b.TryGetColumn("_atom_site_label", out var labels, out var loop));
        Assert.Equal(new[] { "A", "B", "C" }, labels.Select(v => v.Text));
        Assert.Equal(3, loop!.RowCount);
        Assert.Equal(2, loop.Line);
        Assert.True(b.TryGetColumn("_ATOM_SITE_FRACT_X", out var x, out _));
        Assert.Equal("0.3", x[2].Text);
    }

    [Fact]
    public void Loop_with_a_value_count_that_is_not_a_multiple_names_the_loop_line()
    {
        var e = Assert.Throws<CifException>(() => CifParser.Parse("data_l\n\nloop_\n_a\n_b\n1 2 3\n", "bad.cif"));
        Assert.Equal(3, e.Line);
        Assert.Equal("bad.cif", e.FilePath);
        Assert.StartsWith("bad.cif:3: the loop of '_a' has 2 tags but 3 values", e.Message);
    }

    [Theory]
    [InlineData("data_x\n_a\n", 2, "expected a value after '_a'")]
    [InlineData("data_x\n_a 'open\n", 2, "expected a closing '")]
    [InlineData("data_x\n_a\n;never closed\n", 3, "expected a line starting with ';'")]
    [InlineData("_a 1\n", 1, "expected 'data_' before the first tag '_a'")]
    [InlineData("data_x\n_a 1\n_A 2\n", 3, "duplicate tag '_A'")]
    [InlineData("data_x\n_a 1\n2\n", 3, "expected a tag, 'loop_' or 'data_', found value '2'")]
    [InlineData("data_x\nsave_frame\n_a 1\n", 2, "save frame 'save_frame' is not closed")]
    [InlineData("data_x\nglobal_\n", 2, "'global_' is a reserved word")]
    [InlineData("data_\n", 1, "expected a block name after 'data_'")]
    public void Syntax_errors_name_the_line_and_what_was_expected(string text, int line, string expected)
    {
        var e = Assert.Throws<CifException>(() => CifParser.Parse(text, "e.cif"));
        Assert.Equal(line, e.Line);
        Assert.Contains(expected, e.Message);
        Assert.StartsWith($"e.cif:{line}: ", e.Message);
    }

    [Fact]
    public void Save_frames_are_skipped_and_comments_ignored()
    {
        var b = Single("# header\ndata_s # block\nsave_frame\n_inner 'x'\nloop_ _l 1 2\nsave_\n_outer 2 # note\n");
        Assert.False(b.Contains("_inner"));
        Assert.Equal("2", Text(b, "_outer"));
    }

    [Fact]
    public void Cif2_triple_quotes_lists_and_tables()
    {
        var doc = CifParser.Parse("#\\#CIF_2.0\ndata_c2\n_t '''it's\n\"two\" lines'''\n_u \"\"\"x\"\"\"\n_list [1 'a]' [2 3]]\n_table {'k':'v' 'n':[1 2]}\n_after 5\n", "c2.cif");
        Assert.True(doc.IsCif2);
        var b = Assert.Single(doc.Blocks);
        Assert.Equal("it's\n\"two\" lines", Text(b, "_t"));
        Assert.Equal("x", Text(b, "_u"));
        Assert.True(b.TryGetValue("_list", out var list));
        Assert.Equal(CifValueKind.Compound, list.Kind);
        Assert.Equal("[1 'a]' [2 3]]", list.Text);
        Assert.Equal("{'k':'v' 'n':[1 2]}", Text(b, "_table"));
        Assert.True(b.TryGetValue("_after", out var after));
        Assert.Equal(8, after.Line);
    }

    [Fact]
    public void Deeply_nested_cif2_lists_do_not_overflow_the_stack()
    {
        string deep = "#\\#CIF_2.0\ndata_d\n_l " + new string('[', 200_000) + new string(']', 200_000) + "\n";
        Assert.Equal(400_000, Text(Single(deep), "_l").Length);
        Assert.Throws<CifException>(() => CifParser.Parse("#\\#CIF_2.0\ndata_d\n_l " + new string('[', 200_000), "d.cif"));
        Assert.Throws<CifException>(() => CifParser.Parse("#\\#CIF_2.0\ndata_d\n_l [1 2}", "d.cif"));
    }

    [Fact]
    public void Several_blocks_are_read_in_order_and_found_by_name()
    {
        var doc = CifParser.Parse("data_one\n_a 1\ndata_Two\n_a 2\n", "m.cif");
        Assert.Equal(new[] { "one", "Two" }, doc.Blocks.Select(b => b.Name));
        Assert.Equal("2", Text(doc.FindBlock("two")!, "_a"));
        Assert.Null(doc.FindBlock("three"));
    }

    [Fact]
    public void Empty_text_has_no_blocks()
    {
        Assert.Empty(CifParser.Parse("", "e.cif").Blocks);
        Assert.Empty(CifParser.Parse("# only a comment\n\n", "e.cif").Blocks);
    }
}
