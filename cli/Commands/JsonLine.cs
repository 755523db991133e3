using System;
using System.Text.Json;
using CftRuntime.Errors;
using CftRuntime.Io;

namespace CftRuntime.Cli.Commands;

/// <summary>One-line JSON objects, the --json/--format json output of the commands.</summary>
internal static class JsonLine
{
    /// <summary>A compact JSON object whose members <paramref name="body"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> body) => JsonContracts.Object(body);

    /// <summary><c>{"id": ..., "file": ..., "status": ..., "error": ...}</c> for an input that failed; <c>status</c> is the
    /// C spelling of its <see cref="CftStatus"/> (<c>CFT_ERROR_ARGUMENT</c> for bad data, <c>CFT_ERROR_SYMMETRY</c>, …: cft.h's names).</summary>
    public static string Error(StructureRecord record, CftStatus status, string error) => Object(w =>
    {
        w.WriteString("id", record.Id);
        w.WriteString("file", record.Source);
        w.WriteString("status", CftStatusNames.CName(status));
        w.WriteString("error", error);
    });
}
