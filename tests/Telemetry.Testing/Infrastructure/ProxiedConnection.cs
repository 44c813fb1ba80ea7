using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Telemetry.Tests.Infrastructure;

/// <summary>
/// One connection through a <see cref="TcpProxy"/>: a reader and a writer per direction joined by a
/// queue of timestamped chunks. The reader stamps each chunk with the time it is due; the writer
/// waits only for the chunk at the head, so a delay shifts the stream in time without slowing it
/// (a sleep per chunk would cut throughput to one chunk per delay) and order is kept.
/// </summary>
internal sealed class ProxiedConnection(TcpProxy proxy, Socket client, IPEndPoint target) : IDisposable
{
    private const int ChunkBytes = 16 * 1024;

    // Bounds memory when the far side does not read: the reader then stops and TCP pushes back.
    private const int MaxChunksQueued = 1024;

    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    private readonly Socket _server = new(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _completion.Task;

    /// <summary>Resets both sides at once, as a broken link would.</summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // already finished
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _abort.Token);
        bool graceful = false;
        try
        {
            client.NoDelay = true;
            await _server.ConnectAsync(target, linked.Token);
            var toTarget = PumpAsync(client, _server, proxy.DelayToTarget, toTarget: true, linked.Token);
            var toClient = PumpAsync(_server, client, proxy.DelayToClient, toTarget: false, linked.Token);

            // ZeroMQ peers never half-close: once either side has gone, the whole connection has.
            var first = await Task.WhenAny(toTarget, toClient);
            graceful = first.Result;
            await linked.CancelAsync();
            await Task.WhenAll(toTarget, toClient);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // target refused or the link was cut: the client is simply disconnected
        }
        finally
        {
            Close(client, graceful);
            Close(_server, graceful);
            Dispose();
            _completion.TrySetResult();
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _abort.Dispose();
    }

    private static void Close(Socket socket, bool graceful)
    {
        if (!graceful)
        {
            socket.LingerState = new LingerOption(true, 0); // RST, like a cable pulled or a peer killed
        }

        socket.Dispose();
    }

    /// <summary>Copies one direction until it ends; true when it ended cleanly (end of stream, everything delivered).</summary>
    private async Task<bool> PumpAsync(Socket from, Socket to, TimeSpan delay, bool toTarget, CancellationToken cancel)
    {
        var queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(MaxChunksQueued) { SingleReader = true, SingleWriter = true });
        var writer = DeliverAsync(queue.Reader, to, toTarget, cancel);
        bool endOfStream = false;
        try
        {
            while (!endOfStream)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                int read = 0;
                try
                {
                    read = await from.ReceiveAsync(buffer, SocketFlags.None, cancel);
                    if (read > 0)
                    {
                        long due = proxy.Time.GetTimestamp() + (long)(delay.TotalSeconds * proxy.Time.TimestampFrequency);
                        await queue.Writer.WriteAsync(new Chunk(buffer, read, due), cancel);
                        proxy.AddRead(toTarget, read);
                    }
                }
                finally
                {
                    if (read == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }

                endOfStream = read == 0;
            }
        }
        catch (Exception ex) when (IsLinkFailure(ex))
        {
            // reset or cut: the writer stops with the same token
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        bool delivered = await writer; // the end of the stream is delayed like its data
        return endOfStream && delivered;
    }

    /// <summary>Waits on the proxy's clock until <paramref name="due"/> (a timestamp of that clock).</summary>
    private async Task WaitUntilAsync(long due, CancellationToken cancel)
    {
        var time = proxy.Time;
        long slack = time.TimestampFrequency / 10_000; // 100 µs
        while (true)
        {
            long now = time.GetTimestamp();
            var wait = time.GetElapsedTime(now, due);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var delay = Task.Delay(wait < OneMillisecond ? OneMillisecond : wait, time, timer.Token);

            // A timer's due time counts from when it is made. If the clock moved between reading it
            // and making the timer (a fake clock advanced by the test on another thread), this one
            // would fire late or, on a fake clock, never: make it again from the new time.
            if (time.GetTimestamp() - now > slack)
            {
                await timer.CancelAsync();
                continue;
            }

            await delay;
        }
    }

    private async Task<bool> DeliverAsync(ChannelReader<Chunk> queue, Socket to, bool toTarget, CancellationToken cancel)
    {
        try
        {
            await foreach (var chunk in queue.ReadAllAsync(cancel))
            {
                try
                {
                    // A timer may fire up to a millisecond early (whole milliseconds, a coarse clock):
                    // wait again until the chunk is really due, at least a millisecond each time.
                    await WaitUntilAsync(chunk.Due, cancel);

                    for (int sent = 0; sent < chunk.Length;)
                    {
                        sent += await to.SendAsync(chunk.Buffer.AsMemory(sent, chunk.Length - sent), SocketFlags.None, cancel);
                    }

                    proxy.AddDelivered(toTarget, chunk.Length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                }
            }

            return true;
        }
        catch (Exception ex) when (IsLinkFailure(ex))
        {
            return false;
        }
        finally
        {
            while (queue.TryRead(out var left))
            {
                ArrayPool<byte>.Shared.Return(left.Buffer);
            }
        }
    }

    private static bool IsLinkFailure(Exception ex) => ex is SocketException or OperationCanceledException or ObjectDisposedException;

    private readonly record struct Chunk(byte[] Buffer, int Length, long Due);
}
