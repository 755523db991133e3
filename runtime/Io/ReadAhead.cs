using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace CftRuntime.Io;

/// <summary>Overlaps reading with work: the next chunk of a sequence is read on a background thread while the caller works on the current one.</summary>
public static class ReadAhead
{
    /// <summary>
    /// <paramref name="source"/> in chunks of <paramref name="chunkSize"/>, in order; one chunk ahead is read on a
    /// background thread (reading CIF text is serial, so without this the cores wait for it between chunks). The
    /// reader never outlives the enumeration: disposing it (a finished loop, a <c>break</c>, an exception) stops the
    /// reader and waits for it; an exception of the reader is rethrown to the caller.
    /// </summary>
    public static IEnumerable<T[]> Chunks<T>(IEnumerable<T> source, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return Iterate(source, chunkSize);
    }

    /// <summary>
    /// As <see cref="Chunks{T}(IEnumerable{T}, int)"/> for a run on <paramref name="threads"/> threads: with one thread the
    /// chunks are read on the calling thread, in turn with the work (one thread in all, as <c>--jobs 1</c> promises);
    /// with more, one chunk ahead is read in the background.
    /// </summary>
    public static IEnumerable<T[]> Chunks<T>(IEnumerable<T> source, int chunkSize, int threads)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return threads <= 1 ? source.Chunk(chunkSize) : Iterate(source, chunkSize);
    }

    private static IEnumerable<T[]> Iterate<T>(IEnumerable<T> source, int chunkSize)
    {
        using var stop = new CancellationTokenSource();
        using var queue = new BlockingCollection<T[]>(boundedCapacity: 1);
        var reader = Task.Run(() =>
        {
            try
            {
                foreach (var chunk in source.Chunk(chunkSize)) queue.Add(chunk, stop.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var chunk in queue.GetConsumingEnumerable()) yield return chunk;
            reader.GetAwaiter().GetResult(); // the reader's own failure, if any
        }
        finally
        {
            stop.Cancel();
            try { reader.Wait(); }
            catch (AggregateException) { } // cancelled because the caller stopped early: nothing to report
        }
    }
}
