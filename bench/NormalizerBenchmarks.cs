using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CftRuntime.Crystals;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tables;

namespace CftRuntime.Benchmarks;

/// <summary>
/// The one-off cost of the two exact searches over the 24³ grid of origin shifts that standardisation caches
/// (<see cref="NormalizerCanonicalizer"/>): the normalizer's translations for one (setting, W), and the origin shift
/// from spglib's default setting to the catalogue's (origin choice 2, which replaced a second spglib call), against the
/// baseline of one whole standardisation of diamond Si (spglib + canonical image, searches cached), in the same run.
/// Fd-3m (order 192) is the largest group, so its searches are the slowest.
/// </summary>
[MemoryDiagnoser]
public class NormalizerBenchmarks
{
    private Crystal _silicon = null!;
    private SpaceGroupSetting _fd3m, _p21c, _fd3mOrigin1;
    private readonly int[] _identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];

    [GlobalSetup]
    public void Setup()
    {
        _silicon = CifReader.ReadCrystals(Path.Combine(BenchData.RepositoryRoot, "data", "examples", "abinit__si.cif"))[0];
        _fd3m = SpaceGroups.Standard(227);
        _p21c = SpaceGroups.Standard(14);
        _fd3mOrigin1 = SpaceGroups.All.First(s => s.Number == 227 && !s.IsStandard);
        SymmetryFinder.Standardize(_silicon); // fills the caches the baseline uses
    }

    [Benchmark(Baseline = true, Description = "Standardize(Si): spglib + canonical image, searches cached")]
    public Crystal Standardize() => SymmetryFinder.Standardize(_silicon).Crystal;

    [Benchmark(Description = "normalizer shifts, Fd-3m (order 192), W = I, uncached")]
    public int ShiftsFd3m() => NormalizerCanonicalizer.SearchShifts(_fd3m, _identity).Length;

    [Benchmark(Description = "normalizer shifts, P2_1/c (order 4), W = I, uncached")]
    public int ShiftsP21c() => NormalizerCanonicalizer.SearchShifts(_p21c, _identity).Length;

    [Benchmark(Description = "origin shift Fd-3m origin 1 → 2, uncached")]
    public int OriginShiftFd3m() => NormalizerCanonicalizer.SearchOriginShift(_fd3mOrigin1.HallNumber, _fd3m)?.Length ?? 0;
}
