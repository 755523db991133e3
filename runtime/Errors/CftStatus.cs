using System;
using System.Text;

namespace CftRuntime.Errors;

/// <summary>
/// The status codes of CftRuntime: the one source of the values that libcft.so returns (<c>native/include/cft.h</c>
/// and <c>native/cft.f90</c> spell them as <c>CFT_OK</c>, <c>CFT_ERROR_ARGUMENT</c>, …; a test checks both files
/// against this enum).
/// </summary>
public enum CftStatus
{
    /// <summary>Success.</summary>
    Ok = 0,
    /// <summary>A NULL pointer, a count out of range, a closed handle, or an input value that is not a number.</summary>
    Argument = 1,
    /// <summary>A space group (number, symbol or setting) the catalogue does not have.</summary>
    UnknownGroup = 2,
    /// <summary>An output buffer smaller than the result; the size needed is returned.</summary>
    BufferTooSmall = 3,
    /// <summary>spglib found no space group, could not standardise, or is not installed.</summary>
    Symmetry = 4,
    /// <summary>A bug in CftRuntime: the message says where.</summary>
    Internal = 5,
    /// <summary>A model that cannot be found, read or run, or does not match this runtime.</summary>
    Model = 6,
}

/// <summary>The C spelling of the status codes.</summary>
public static class CftStatusNames
{
    /// <summary><c>CFT_OK</c> for <see cref="CftStatus.Ok"/>, else <c>CFT_ERROR_</c> and the name in upper snake case (<c>CFT_ERROR_UNKNOWN_GROUP</c>).</summary>
    public static string CName(CftStatus status)
    {
        if (status == CftStatus.Ok) return "CFT_OK";
        var name = new StringBuilder("CFT_ERROR_");
        string text = status.ToString();
        for (int i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i])) name.Append('_');
            name.Append(char.ToUpperInvariant(text[i]));
        }
        return name.ToString();
    }

    /// <summary>Every status, in value order.</summary>
    public static CftStatus[] All => Enum.GetValues<CftStatus>();
}
