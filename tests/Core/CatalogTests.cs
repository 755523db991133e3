using System.Collections.Generic;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Core;

/// <summary>spacegroups.json as compiled: coverage, group axioms and orders checked against independent crystallographic facts.</summary>
public class CatalogTests
{
    /// <summary>The 24 groups with two origin choices in ITA.</summary>
    public static readonly int[] TwoOrigins = { 48, 50, 59, 68, 70, 85, 86, 88, 125, 126, 129, 130, 133, 134, 137, 138, 141, 142, 201, 203, 222, 224, 227, 228 };

    /// <summary>The 7 rhombohedral groups.</summary>
    public static readonly int[] Rhombohedral = { 146, 148, 155, 160, 161, 166, 167 };

    /// <summary>Point-group order of the crystal class of each IT number (ITA Table 3.1.2.1), by ranges.</summary>
    public static int PointGroupOrder(int n) => n switch
    {
        1 => 1, 2 => 2, <= 9 => 2, <= 15 => 4, <= 46 => 4, <= 74 => 8,
        <= 82 => 4, <= 122 => 8, <= 142 => 16,
        <= 146 => 3, <= 148 => 6, <= 161 => 6, <= 167 => 12,
        <= 174 => 6, <= 190 => 12, <= 194 => 24,
        <= 199 => 12, <= 220 => 24, _ => 48,
    };

    private static int CentringMultiplicity(SpaceGroupSetting s) => s.Hall.TrimStart('-')[0] switch
    {
        'P' => 1, 'A' or 'B' or 'C' or 'I' => 2, 'R' => 3, 'F' => 4, var c => throw new System.InvalidOperationException("centring " + c),
    };

    [Fact]
    public void Catalogue_has_530_settings_and_one_standard_setting_per_IT_number()
    {
        Assert.Equal(530, SpaceGroups.Count);
        var numbers = SpaceGroups.All.Select(s => s.Number).Distinct().OrderBy(n => n).ToArray();
        Assert.Equal(Enumerable.Range(1, 230), numbers);
        for (int n = 1; n <= 230; n++)
        {
            var standard = SpaceGroups.Standard(n);
            Assert.Equal(n, standard.Number);
            Assert.True(standard.IsStandard);
            Assert.Single(SpaceGroups.All, s => s.Number == n && s.IsStandard);
        }
    }

    [Fact]
    public void Standard_settings_follow_ITA_origin_choice_2_hexagonal_axes_and_unique_axis_b()
    {
        foreach (int n in TwoOrigins)
        {
            Assert.Equal("2", SpaceGroups.Standard(n).Setting);
            Assert.Contains(SpaceGroups.All, s => s.Number == n && s.Setting == "1");
        }
        foreach (int n in Rhombohedral)
        {
            Assert.Equal("H", SpaceGroups.Standard(n).Setting);
            var r = Assert.Single(SpaceGroups.All, s => s.Number == n && s.Setting == "R");
            Assert.Equal('P', r.Hall.TrimStart('-')[0]);
        }
        for (int n = 3; n <= 15; n++) Assert.StartsWith("b", SpaceGroups.Standard(n).Setting);
        Assert.Equal("b1", SpaceGroups.Standard(14).Setting);
    }

    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Every_setting_is_a_group_with_order_point_group_times_centring(int index)
    {
        var s = SpaceGroups.Get(index);
        var ops = s.Operations();
        Assert.Null(SymmetryOperation.ValidateGroup(ops));
        int rotations = ops.Select(o => string.Join(",", o.Rotation)).Distinct().Count();
        int pureTranslations = ops.Count(o => o.Rotation.SequenceEqual(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }));
        Assert.Equal(PointGroupOrder(s.Number), rotations);
        Assert.Equal(CentringMultiplicity(s), pureTranslations);
        Assert.Equal(rotations * pureTranslations, s.Order);
        foreach (var op in ops)
            for (int i = 0; i < 3; i++) Assert.InRange(op.TranslationValue(i), 0.0, 0.99999999);
    }

    [Theory]
    [InlineData("Fm-3m", 192)]
    [InlineData("Fd-3m", 192)]
    [InlineData("Im-3m", 96)]
    [InlineData("Ia-3d", 96)]
    [InlineData("R-3m", 36)]
    [InlineData("R-3m:R", 12)]
    [InlineData("P6_3/mmc", 24)]
    [InlineData("P2_1/c", 4)]
    [InlineData("P1", 1)]
    [InlineData("Pnma", 8)]
    [InlineData("I4_1/amd", 32)]
    public void Well_known_orders(string symbol, int order) => Assert.Equal(order, SpaceGroups.Find(symbol).Order);

    /// <summary>Origin choices 1 and 2 describe the same group: some origin shift p conjugates one onto the other.</summary>
    [Theory]
    [MemberData(nameof(OriginChoiceGroups))]
    public void Origin_choices_are_conjugate_by_an_origin_shift(int number)
    {
        var one = SpaceGroups.Find(number + ":1").Operations();
        var two = new HashSet<SymmetryOperation>(SpaceGroups.Find(number + ":2").Operations());
        bool found = false;
        for (int a = 0; a < 8 && !found; a++)
            for (int b = 0; b < 8 && !found; b++)
                for (int c = 0; c < 8 && !found; c++)
                {
                    var shift = new SymmetryOperation(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new[] { a, b, c }, 8);
                    var back = new SymmetryOperation(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new[] { 8 - a, 8 - b, 8 - c }, 8);
                    found = one.All(op => two.Contains(shift.Compose(op).Compose(back)));
                }
        Assert.True(found, $"no origin shift in (1/8)ℤ³ maps origin choice 1 of {number} onto origin choice 2");
    }

    public static IEnumerable<object[]> OriginChoiceGroups => TwoOrigins.Select(n => new object[] { n });
}
