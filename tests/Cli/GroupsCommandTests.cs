using System.Linq;
using Xunit;

namespace CftRuntime.Tests.Cli;

/// <summary><c>cft groups</c>.</summary>
[Collection("Console")]
public class GroupsCommandTests
{
    [Fact]
    public void Lists_every_setting_and_filters()
    {
        var (code, output, _) = CliRunner.Run("groups");
        Assert.Equal(0, code);
        Assert.Contains("530 settings", output);
        (code, output, _) = CliRunner.Run("groups", "227");
        Assert.Equal(0, code);
        var lines = output.Trim().Split('\n');
        Assert.Equal(4, lines.Length); // header, two origin choices, summary
        Assert.Contains("-F 4vw 2vw 3", lines[2]);
        Assert.Contains("(ITA standard)", lines[2]);
        (code, output, _) = CliRunner.Run("groups", "cubic");
        Assert.StartsWith("42 settings", output.Trim().Split('\n').Last()); // 36 cubic groups + 6 second origin choices
        var (bad, _, error) = CliRunner.Run("groups", "Q99");
        Assert.Equal(2, bad);
        Assert.Contains("no setting matches", error);
    }
}
