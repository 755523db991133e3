using System;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Io;

public class XyzOperationParserTests
{
    [Theory]
    [InlineData("x,y,z", "x,y,z")]
    [InlineData("-x+1/2, y, -z+1/2", "-x+1/2,y,-z+1/2")]
    [InlineData("x-y,x,z+1/6", "x-y,x,z+1/6")]
    [InlineData("1/2+x, +y, 1/2 - Z", "x+1/2,y,-z+1/2")]
    [InlineData("0.5+x,0.3333-y,0.66667+z", "x+1/2,-y+1/3,z+2/3")]
    [InlineData("-x+0.25,-y,z-0.75", "-x+1/4,-y,z+1/4")]
    [InlineData("x+1,y-1,z+3/2", "x,y,z+1/2")]
    [InlineData("x+1/8+1/8,y+5/12,z+1/6+1/6", "x+1/4,y+5/12,z+1/3")]
    public void Reads_xyz_triplets(string text, string expected) =>
        Assert.Equal(expected, XyzOperationParser.Parse(text).ToXyz().Replace(" ", ""));

    [Theory]
    [InlineData("x,y", "three comma-separated components")]
    [InlineData("x,y,", "empty component")]
    [InlineData("x,y,w", "expected x, y, z or a number")]
    [InlineData("x,x,z", "determinant 0")]
    [InlineData("x+0.123,y,z", "not within 0.001 of a fraction")]
    [InlineData("x,y,z+1/0", "positive denominator")]
    [InlineData("x+1/13,y,z", "has denominator 13")]
    [InlineData("x+1/5+1/7,y,z", "has denominator 35")]
    [InlineData("x y,y,z", "expected '+' or '-' between terms")]
    [InlineData("1/2x,y,z", "integer coefficient")]
    public void Rejects_malformed_operations_with_a_reason(string text, string reason)
    {
        Assert.False(XyzOperationParser.TryParse(text, out var op, out string? error));
        Assert.Null(op);
        Assert.Contains(reason, error);
        Assert.Throws<FormatException>(() => XyzOperationParser.Parse(text));
    }
}
