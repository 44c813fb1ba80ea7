using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Telemetry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Telemetry.Tests.Relay;

/// <summary>The link emulator the relay tests rely on, checked against a plain TCP echo server.</summary>
public sealed class TcpProxyTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
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
    public async Task A_delay_shifts_each_direction_without_reordering_or_throttling()
    {
        var oneWay = TimeSpan.FromMilliseconds(75);
        await using var proxy = TcpProxy.To($"tcp://{EchoEndPoint}", oneWay);
        using var client = await ConnectAsync(proxy);

        var clock = Stopwatch.StartNew();
        await client.SendAsync(new byte[] { 1 });
        await ReceiveExactlyAsync(client, 1);
        var roundTrip = clock.Elapsed;

        // 200 small writes in a row: with a sleep per chunk they would take 200 x 150 ms.
        const int Chunks = 200;
        clock.Restart();
        for (int i = 0; i < Chunks; i++)
        {
            await client.SendAsync(BitConverter.GetBytes(i));
        }

        byte[] back = await ReceiveExactlyAsync(client, Chunks * 4);
        var burst = clock.Elapsed;

        Assert.True(roundTrip >= 2 * oneWay, $"round trip {roundTrip.TotalMilliseconds} ms is shorter than the two one-way delays");
        Assert.Equal(Enumerable.Range(0, Chunks), Enumerable.Range(0, Chunks).Select(i => BitConverter.ToInt32(back, i * 4)));
        output.WriteLine($"round trip through a 75 ms each-way proxy: {roundTrip.TotalMilliseconds:F1} ms; {Chunks} pipelined writes echoed in {burst.TotalMilliseconds:F1} ms");
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
