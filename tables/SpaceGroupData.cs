namespace CftRuntime.Tables;

/// <summary>Raw generated tables; the partial body is emitted by CftRuntime.Generator.</summary>
internal static partial class SpaceGroupData
{
}
