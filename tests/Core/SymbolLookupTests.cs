using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Core;

/// <summary>Symbol look-up accepts what users and CIF files write.</summary>
public class SymbolLookupTests
{
    [Theory]
    [InlineData("14", 14, "b1")]
    [InlineData("P2_1/c", 14, "b1")]
    [InlineData("P21/c", 14, "b1")]
    [InlineData("P 21/c", 14, "b1")]
    [InlineData("P 1 21/c 1", 14, "b1")]
    [InlineData("p 1 2_1/c 1", 14, "b1")]
    [InlineData("P 1 21/n 1", 14, "b2")]
    [InlineData("P21/n", 14, "b2")]
    [InlineData("P 1 1 21/b", 14, "c3")]
    [InlineData("-P 2ybc", 14, "b1")]
    [InlineData("'-P 2ybc'", 14, "b1")]
    [InlineData("14:c1", 14, "c1")]
    [InlineData("Cmca", 64, "")]
    [InlineData("Cmce", 64, "")]
    [InlineData("C m c e", 64, "")]
    [InlineData("Abm2", 39, "")]
    [InlineData("Aem2", 39, "")]
    [InlineData("Aba2", 41, "")]
    [InlineData("Cmma", 67, "")]
    [InlineData("Ccca", 68, "2")]
    [InlineData("Fd-3m", 227, "2")]
    [InlineData("F d -3 m", 227, "2")]
    [InlineData("Fd-3m:1", 227, "1")]
    [InlineData("Fd-3m:2", 227, "2")]
    [InlineData("227:1", 227, "1")]
    [InlineData("Fd3m", 227, "2")]
    [InlineData("F 41/d -3 2/m", 227, "2")]
    [InlineData("R-3m", 166, "H")]
    [InlineData("R-3m:H", 166, "H")]
    [InlineData("R-3m:R", 166, "R")]
    [InlineData("166:R", 166, "R")]
    [InlineData("R 3 :R", 146, "R")]
    [InlineData("P6_3/mmc", 194, "")]
    [InlineData("P63/mmc", 194, "")]
    [InlineData("P 63/m m c", 194, "")]
    [InlineData("Pnma", 62, "")]
    [InlineData("Pbnm", 62, "cab")]
    [InlineData("Pmnb", 62, "ba-c")]
    [InlineData("P 1 1 21/n", 14, "c2")]
    [InlineData("Pm3m", 221, "")]
    [InlineData("Ia3d", 230, "")]
    [InlineData("Pa3", 205, "")]
    [InlineData("I41/amd", 141, "2")]
    [InlineData("I4_1/amd:1", 141, "1")]
    [InlineData("Ia-3d", 230, "")]
    [InlineData("P 2", 3, "b")]
    [InlineData("P1", 1, "")]
    [InlineData("P-1", 2, "")]
    [InlineData("Fm\u22123m", 225, "")]
    public void Finds_the_setting(string text, int number, string setting)
    {
        Assert.True(SpaceGroups.TryFind(text, out var s), text);
        Assert.Equal(number, s.Number);
        Assert.Equal(setting, s.Setting);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0")]
    [InlineData("231")]
    [InlineData("P99")]
    [InlineData("Fd-3m:3")]
    [InlineData("P2_1/c:H")]
    [InlineData("Xyz")]
    [InlineData(null)]
    public void Rejects_unknown_symbols(string? text)
    {
        Assert.False(SpaceGroups.TryFind(text, out _));
        if (text is not null) Assert.Contains("unknown space group", Assert.Throws<System.ArgumentException>(() => SpaceGroups.Find(text)).Message);
    }

    [Fact]
    public void Hall_lookup_reads_Hall_symbols_only()
    {
        Assert.True(SpaceGroups.TryFindHall("P 2", out var s));
        Assert.Equal("c", s.Setting);
        Assert.True(SpaceGroups.TryFindHall("-F 4vw 2vw 3", out s));
        Assert.Equal((227, "2"), (s.Number, s.Setting));
    }

    [Fact]
    public void Every_setting_is_found_by_its_Hall_symbol_and_its_own_symbol()
    {
        foreach (var s in SpaceGroups.All)
        {
            Assert.True(SpaceGroups.TryFindHall(s.Hall, out var byHall));
            Assert.Equal(s.Number, byHall.Number);
            Assert.Equal(s.Operations(), byHall.Operations());
            Assert.True(SpaceGroups.TryFind(s.Symbol, out var bySymbol), s.Symbol);
            Assert.Equal(s.Index, bySymbol.Index);
            Assert.True(SpaceGroups.TryFind(s.Number + ":" + s.Setting, out var byTag) || s.Setting.Length == 0);
            if (s.Setting.Length > 0) Assert.Equal(s.Index, byTag.Index);
        }
    }
}
