using System;
using System.IO;

namespace CftRuntime.Tests;

/// <summary>A new empty folder under the system's temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates <c>{prefix}-{guid}</c> in the temporary folder.</summary>
    public TempFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc/>
    public void Dispose()
    {
        try { Directory.Delete(Path, true); }
        catch (DirectoryNotFoundException) { }
    }
}
