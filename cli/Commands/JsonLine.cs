using System;
using System.Text.Json;
using CftRuntime.Io;

namespace CftRuntime.Cli.Commands;

/// <summary>One-line JSON objects, the --json/--format json output of the commands.</summary>
internal static class JsonLine
{
    /// <summary>A compact JSON object whose members <paramref name="body"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> body) => JsonContracts.Object(body);

    /// <summary><c>{"id": ..., "file": ..., "error": ...}</c> for an input that failed.</summary>
    public static string Error(StructureRecord record, string error) => Object(w =>
    {
        w.WriteString("id", record.Id);
        w.WriteString("file", record.Source);
        w.WriteString("error", error);
    });
}
