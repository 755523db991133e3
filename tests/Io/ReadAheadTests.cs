using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Io;

public class ReadAheadTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(10, 3)]
    [InlineData(10, 1)]
    [InlineData(1000, 64)]
    public void Chunks_come_in_order_and_whole(int count, int size)
    {
        var chunks = ReadAhead.Chunks(Enumerable.Range(0, count), size).ToList();
        Assert.Equal(Enumerable.Range(0, count), chunks.SelectMany(c => c));
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(size, c.Length));
    }

    [Fact]
    public void Stopping_early_stops_the_reader_and_waits_for_it()
    {
        int read = 0;
        bool readerRunning = false;
        IEnumerable<int> Endless()
        {
            readerRunning = true;
            try
            {
                for (int i = 0; ; i++) { Interlocked.Increment(ref read); yield return i; }
            }
            finally { readerRunning = false; }
        }
        foreach (var chunk in ReadAhead.Chunks(Endless(), 10))
            if (chunk[0] >= 30) break;
        Assert.False(readerRunning); // the reader's enumerator was disposed before the loop returned
        Assert.InRange(read, 40, 70); // at most a chunk in hand and one in the queue beyond what was used
    }

    [Fact]
    public void A_failure_of_the_reader_reaches_the_caller()
    {
        IEnumerable<int> Failing()
        {
            yield return 1;
            throw new InvalidOperationException("disk gone");
        }
        var e = Assert.Throws<InvalidOperationException>(() => ReadAhead.Chunks(Failing(), 1).ToList());
        Assert.Equal("disk gone", e.Message);
    }

    [Fact]
    public void A_failure_of_the_caller_does_not_leave_the_reader_blocked()
    {
        Assert.Throws<TimeZoneNotFoundException>(() =>
        {
            foreach (var _ in ReadAhead.Chunks(Enumerable.Range(0, 1_000_000), 5)) throw new TimeZoneNotFoundException();
        });
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void One_thread_reads_on_the_calling_thread_more_read_ahead(int threads, bool background)
    {
        int caller = Environment.CurrentManagedThreadId;
        var readers = new HashSet<int>();
        IEnumerable<int> Source()
        {
            for (int i = 0; i < 100; i++) { lock (readers) readers.Add(Environment.CurrentManagedThreadId); yield return i; }
        }
        var chunks = ReadAhead.Chunks(Source(), 7, threads).ToList();
        Assert.Equal(Enumerable.Range(0, 100), chunks.SelectMany(c => c));
        Assert.Equal(background, !readers.SequenceEqual([caller]));
    }
}
