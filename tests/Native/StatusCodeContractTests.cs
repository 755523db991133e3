using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CftRuntime.Errors;
using Xunit;

namespace CftRuntime.Tests.Native;

/// <summary>cft.h, cft.f90 and the Python package spell the status codes of <see cref="CftStatus"/>, the one source: same names, same values, nothing more.</summary>
public class StatusCodeContractTests
{
    private static string Native(params string[] path) => Path.Combine([TestData.RepositoryRoot, "native", .. path]);

    [Fact]
    public void The_C_header_defines_exactly_the_status_codes()
    {
        var defined = Regex.Matches(File.ReadAllText(Native("include", "cft.h")), @"^#define\s+(CFT_(?:OK|ERROR_\w+))\s+(\d+)\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(CftStatusNames.All.ToDictionary(CftStatusNames.CName, s => (int)s).OrderBy(p => p.Value), defined.OrderBy(p => p.Value));
    }

    [Fact]
    public void The_Fortran_module_defines_exactly_the_status_codes()
    {
        var text = File.ReadAllText(Native("cft.f90"));
        var defined = Regex.Matches(text, @"\b(CFT_(?:OK|ERROR_\w+))\s*=\s*(\d+)").ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(CftStatusNames.All.ToDictionary(CftStatusNames.CName, s => (int)s).OrderBy(p => p.Value), defined.OrderBy(p => p.Value));
    }

    [Fact]
    public void The_Python_package_defines_exactly_the_status_codes()
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "python", "cftruntime", "_errors.py"));
        var defined = Regex.Matches(text, @"""(CFT_(?:OK|ERROR_\w+))"":\s*(\d+)").ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(CftStatusNames.All.ToDictionary(CftStatusNames.CName, s => (int)s).OrderBy(p => p.Value), defined.OrderBy(p => p.Value));
    }

    [Fact]
    public void C_names_are_upper_snake_case()
    {
        Assert.Equal("CFT_OK", CftStatusNames.CName(CftStatus.Ok));
        Assert.Equal("CFT_ERROR_UNKNOWN_GROUP", CftStatusNames.CName(CftStatus.UnknownGroup));
        Assert.Equal("CFT_ERROR_BUFFER_TOO_SMALL", CftStatusNames.CName(CftStatus.BufferTooSmall));
    }
}
