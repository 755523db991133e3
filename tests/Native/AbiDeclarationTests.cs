using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace CftRuntime.Tests.Native;

/// <summary>The functions libcft.so exports (Exports.cs), cft.h declares and the Python package binds are the same set.</summary>
public class AbiDeclarationTests
{
    private static string[] Exported() =>
        Regex.Matches(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "native", "Exports.cs")), @"EntryPoint = ""(cft_\w+)""")
            .Select(m => m.Groups[1].Value).Order().ToArray();

    [Fact]
    public void The_header_declares_every_exported_function_and_nothing_else()
    {
        var header = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "native", "include", "cft.h"));
        var declared = Regex.Matches(header, @"^(?:int|int32_t|const char \*)\s*(cft_\w+)\(", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order().ToArray();
        Assert.Equal(Exported(), declared);
    }

    [Fact]
    public void The_Python_package_binds_only_exported_functions()
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "python", "cftruntime", "_native.py"));
        var bound = Regex.Matches(text, @"^\s+""(cft_\w+)"": \[", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(bound);
        Assert.Empty(bound.Except(Exported()));
    }
}
