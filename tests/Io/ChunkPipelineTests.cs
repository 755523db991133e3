using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Io;

/// <summary><see cref="ChunkPipeline"/>: results in input order, whole chunks side by side, no work left running.</summary>
public class ChunkPipelineTests
{
    private static int[][] Chunks(int count, int size) => Enumerable.Range(0, count).Chunk(size).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Results_come_in_input_order_whatever_finishes_first(int threads)
    {
        // Later chunks are quicker, so they finish first when several run at once.
        var results = ChunkPipeline.Run(Chunks(40, 4), threads, (chunk, _) =>
        {
            Thread.Sleep(Math.Max(0, 12 - chunk[0] / 4));
            return chunk.Sum();
        }).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k * 4), results.Select(r => r.Chunk[0]));
        Assert.All(results, r => Assert.Equal(r.Chunk.Sum(), r.Result));
    }

    [Fact]
    public void Several_chunks_run_whole_on_one_thread_each_and_at_most_threads_at_once()
    {
        int running = 0, most = 0;
        var threadsGiven = new ConcurrentBag<int>();
        var results = ChunkPipeline.Run(Chunks(60, 5), 3, (chunk, threads) =>
        {
            threadsGiven.Add(threads);
            int now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = most) < now && Interlocked.CompareExchange(ref most, now, seen) != seen) { }
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return chunk.Length;
        }).ToList();
        Assert.Equal(12, results.Count);
        Assert.All(threadsGiven, t => Assert.Equal(1, t));
        Assert.True(most <= 3, $"{most} chunks at once with 3 threads");
        Assert.True(most >= 2, "the chunks never overlapped");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    public void A_single_chunk_gets_every_thread(int threads, int expected)
    {
        var result = ChunkPipeline.Run(Chunks(7, 10), threads, (_, t) => t).Single();
        Assert.Equal(expected, result.Result);
        Assert.Empty(ChunkPipeline.Run(Chunks(0, 10), threads, (_, t) => t));
    }

    [Fact]
    public void A_failing_chunk_is_rethrown_in_turn_and_no_work_outlives_the_enumeration()
    {
        int running = 0;
        var yielded = new System.Collections.Generic.List<int>();
        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var (chunk, _) in ChunkPipeline.Run(Chunks(100, 5), 2, (chunk, _) =>
            {
                Interlocked.Increment(ref running);
                try
                {
                    Thread.Sleep(10);
                    if (chunk[0] == 15) throw new InvalidOperationException("chunk 3 failed");
                    return 0;
                }
                finally { Interlocked.Decrement(ref running); }
            }))
                yielded.Add(chunk[0]);
        });
        Assert.Equal("chunk 3 failed", error.Message);
        Assert.Equal([0, 5, 10], yielded);
        Assert.Equal(0, Volatile.Read(ref running));
    }

    [Fact]
    public void Stopping_early_waits_for_the_chunks_being_worked_on()
    {
        int running = 0, started = 0;
        foreach (var (chunk, _) in ChunkPipeline.Run(Chunks(1000, 10), 2, (chunk, _) =>
        {
            Interlocked.Increment(ref started);
            Interlocked.Increment(ref running);
            Thread.Sleep(15);
            Interlocked.Decrement(ref running);
            return 0;
        }))
            if (chunk[0] >= 20) break;
        Assert.Equal(0, Volatile.Read(ref running));
        Assert.True(started <= 6, $"{started} chunks started for 3 taken with 2 threads");
    }
}
