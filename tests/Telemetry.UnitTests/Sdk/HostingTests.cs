using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Sdk;

public class HostingTests
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTelemetryPublisher<Tick>();
        builder.Services.AddTelemetrySubscriber();
        return builder.Build();
    }

    [Fact]
    public async Task Options_bound_from_configuration_drive_a_publisher_and_subscriber()
    {
        string endpoint = FreePort.TcpEndpoint();
        using var host = Build(new()
        {
            ["Telemetry:Publisher:Name"] = "configured",
            ["Telemetry:Publisher:Bind:0"] = endpoint,
            ["Telemetry:Publisher:MaxBatchRecords"] = "8",
            ["Telemetry:Subscriber:Connect:0"] = endpoint,
            ["Telemetry:Subscriber:Prefixes:0"] = "md.",
            ["Telemetry:Subscriber:BufferFullMode"] = "DropOldest",
        });
        await host.StartAsync();
        var publisher = host.Services.GetRequiredService<TelemetryPublisher<Tick>>();
        var subscriber = host.Services.GetRequiredService<TelemetrySubscriber>();
        Assert.Equal(BufferFullMode.DropOldest, host.Services.GetRequiredService<IOptions<SubscriberOptions>>().Value.BufferFullMode);
        var reader = subscriber.ReadAllAsync<Tick>().GetAsyncEnumerator();
        await Eventually.Until(() => publisher.GetStats().Subscriptions == 1);
        for (int i = 1; i <= 20; i++)
        {
            publisher.Publish("md.H", TestBatches.Tick(i));
        }

        for (ulong i = 1; i <= 20; i++)
        {
            Assert.True(await reader.MoveNextAsync());
            Assert.Equal(i, reader.Current.Sequence);
            Assert.Equal("configured", reader.Current.Publisher);
        }

        await host.StopAsync();
        Assert.True(publisher.GetStats().Batches >= 3, "MaxBatchRecords = 8 must split 20 records into at least three batches");
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_with_every_problem_listed()
    {
        using var host = Build(new()
        {
            ["Telemetry:Publisher:QueueCapacity"] = "1",
            ["Telemetry:Subscriber:Connect:0"] = "udp://nowhere",
        });
        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());
        var failures = error.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(failures, f => f.Contains("at least one Bind or Connect", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("QueueCapacity", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'udp://nowhere' is not", StringComparison.Ordinal));
    }
}
