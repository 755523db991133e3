using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CftRuntime.Io;

/// <summary>Ordered parallel work over a stream of chunks: each chunk is worked on whole by one thread, several chunks at once.</summary>
public static class ChunkPipeline
{
    /// <summary>
    /// Applies <paramref name="work"/> to every chunk of <paramref name="chunks"/> and yields each chunk with its result, in
    /// input order. With one thread every chunk is worked on, in turn, on the calling thread (<c>work(chunk, 1)</c>). With
    /// more, up to <paramref name="threads"/> chunks are worked on at once, each whole on a thread of its own
    /// (<c>work(chunk, 1)</c>): a prediction's stages end in barriers (prepare, features, model batches), so splitting one chunk
    /// over the cores leaves them waiting on its slowest part, while whole chunks side by side keep them busy; and a chunk's
    /// result does not depend on the number of threads. Only an input of a single chunk gets every thread
    /// (<c>work(chunk, threads)</c>). At most <paramref name="threads"/> + 1 chunks are held; none is read more than that
    /// ahead of the one being yielded.
    /// </summary>
    /// <remarks>No work outlives the enumeration: disposing it (a finished loop, a <c>break</c>, an exception of the
    /// caller) waits for every chunk still being worked on. An exception of <paramref name="work"/> is rethrown, unwrapped,
    /// when its chunk's turn comes.</remarks>
    public static IEnumerable<(T[] Chunk, TResult Result)> Run<T, TResult>(IEnumerable<T[]> chunks, int threads, Func<T[], int, TResult> work)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return threads == 1 ? Serial(chunks, work) : Parallel(chunks, threads, work);
    }

    private static IEnumerable<(T[], TResult)> Serial<T, TResult>(IEnumerable<T[]> chunks, Func<T[], int, TResult> work)
    {
        foreach (var chunk in chunks) yield return (chunk, work(chunk, 1));
    }

    private static IEnumerable<(T[], TResult)> Parallel<T, TResult>(IEnumerable<T[]> chunks, int threads, Func<T[], int, TResult> work)
    {
        using var source = chunks.GetEnumerator();
        if (!source.MoveNext()) yield break;
        var first = source.Current;
        if (!source.MoveNext())
        {
            yield return (first, work(first, threads));
            yield break;
        }
        var window = new Queue<(T[] Chunk, Task<TResult> Work)>();
        using var running = new SemaphoreSlim(threads, threads);
        // Threads of their own (LongRunning), not the pool's: a chunk waiting for its turn blocks, and the pool keeps
        // its threads for ONNX Runtime's session builds and the reader.
        Task<TResult> Start(T[] chunk) => Task.Factory.StartNew(() =>
        {
            running.Wait();
            try { return work(chunk, 1); }
            finally { running.Release(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            window.Enqueue((first, Start(first)));
            do
            {
                window.Enqueue((source.Current, Start(source.Current)));
                while (window.Count > threads)
                {
                    var (chunk, task) = window.Dequeue();
                    yield return (chunk, task.GetAwaiter().GetResult());
                }
            }
            while (source.MoveNext());
            while (window.Count > 0)
            {
                var (chunk, task) = window.Dequeue();
                yield return (chunk, task.GetAwaiter().GetResult());
            }
        }
        finally
        {
            foreach (var (_, task) in window)
            {
                try { task.Wait(); }
                catch (AggregateException) { } // the caller stopped early or an earlier chunk failed: nothing more to report
            }
        }
    }
}
