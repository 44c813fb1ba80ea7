using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Relay;

/// <summary>The link emulator the relay tests rely on, checked against a plain TCP echo server.</summary>
public sealed class TcpProxyTests : IAsyncLifetime, IDisposable
{
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _echoLoop = Task.CompletedTask;

    private IPEndPoint EchoEndPoint => (IPEndPoint)_echo.LocalEndpoint;

    public Task InitializeAsync()
    {
        _echo.Start();
        _echoLoop = EchoAsync();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _echo.Stop();
        await _echoLoop;
    }

    public void Dispose()
    {
        _echo.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task Bytes_are_forwarded_in_order_and_counted_in_each_direction()
    {
        await using var proxy = new TcpProxy(EchoEndPoint);
        using var client = await ConnectAsync(proxy);
        byte[] sent = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];
        var sending = client.SendAsync(sent);
        byte[] back = await ReceiveExactlyAsync(client, sent.Length);
        await sending;

        Assert.Equal(sent, back);
        await Eventually.Until(() => proxy.BytesToTarget == sent.Length && proxy.BytesToClient == sent.Length);
    }

    [Fact]
    public async Task A_delay_holds_each_direction_until_due_then_releases_a_whole_burst_at_once_in_order()
    {
        // Virtual time: the proxy's clock moves only when the test advances it, so what has arrived
        // at each instant is exact, whatever the machine's load.
        var clock = new FakeTimeProvider();
        var oneWay = TimeSpan.FromMilliseconds(75);
        var justShort = oneWay - TimeSpan.FromTicks(1);
        await using var proxy = new TcpProxy(EchoEndPoint, oneWay, oneWay, time: clock);
        using var client = await ConnectAsync(proxy);

        // 100 small writes, each read by the proxy before the next is sent (so each is a chunk of its
        // own), all at one virtual instant.
        const int Chunks = 100, Bytes = Chunks * 4;
        for (int i = 0; i < Chunks; i++)
        {
            await client.SendAsync(BitConverter.GetBytes(i));
            int read = (i + 1) * 4;
            Assert.True(SpinWait.SpinUntil(() => proxy.BytesFromClient == read, TimeSpan.FromSeconds(30)), $"the proxy read {proxy.BytesFromClient} of {read} bytes");
        }

        // Outbound: a tick short of the delay the proxy holds all of it; at the delay all of it goes,
        // on one advance of the clock (a sleep per chunk would release one chunk per delay).
        clock.Advance(justShort);
        Assert.Equal(0, proxy.BytesToTarget);
        clock.Advance(TimeSpan.FromMilliseconds(1)); // the proxy waits in whole milliseconds
        await Eventually.Until(() => proxy.BytesFromTarget == Bytes, 10_000, () => $"echoed back into the proxy: {proxy.BytesFromTarget} of {Bytes} bytes");
        Assert.Equal(Bytes, proxy.BytesToTarget);

        // Inbound, the same: the echo is held for its own delay, then delivered whole and in order.
        clock.Advance(justShort);
        Assert.Equal((0L, 0), (proxy.BytesToClient, client.Available));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        byte[] back = await ReceiveExactlyAsync(client, Bytes);
        Assert.Equal(Enumerable.Range(0, Chunks), Enumerable.Range(0, Chunks).Select(i => BitConverter.ToInt32(back, i * 4)));
        Assert.Equal((Bytes, Bytes), (proxy.BytesToTarget, proxy.BytesToClient));
    }

    [Fact]
    public async Task A_cut_resets_connections_and_refuses_new_ones_until_healed()
    {
        await using var proxy = new TcpProxy(EchoEndPoint);
        using var client = await ConnectAsync(proxy);
        await client.SendAsync(new byte[] { 42 });
        await ReceiveExactlyAsync(client, 1);

        proxy.Cut();
        var afterCut = await Record.ExceptionAsync(async () =>
        {
            // The reset may be seen by the read, or only by a later write.
            for (int i = 0; i < 50; i++)
            {
                await client.SendAsync(new byte[] { 1 });
                if (await client.ReceiveAsync(new byte[1]) == 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }
            }
        });
        Assert.IsType<SocketException>(afterCut);
        var refused = await Record.ExceptionAsync(() => ConnectAsync(proxy));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused).SocketErrorCode);

        proxy.Heal();
        using var again = await ConnectAsync(proxy);
        await again.SendAsync(new byte[] { 7 });
        Assert.Equal(new byte[] { 7 }, await ReceiveExactlyAsync(again, 1));
        Assert.Equal(2, proxy.Accepted);
    }

    private static async Task<Socket> ConnectAsync(TcpProxy proxy)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(proxy.ListenEndPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] buffer = new byte[count];
        for (int got = 0; got < count;)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"connection closed after {got} of {count} bytes");
            got += n;
        }

        return buffer;
    }

    private async Task EchoAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _echo.AcceptSocketAsync(_stop.Token);
                connections.Add(Task.Run(async () =>
                {
                    using (socket)
                    {
                        byte[] buffer = new byte[16 * 1024];
                        try
                        {
                            int n;
                            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                            {
                                await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                            }
                        }
                        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                        {
                        }
                    }
                }));
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections);
    }
}
