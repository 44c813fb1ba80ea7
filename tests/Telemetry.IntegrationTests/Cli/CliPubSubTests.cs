using System.Text.Json;
using Telemetry.Tests.Infrastructure;

namespace Telemetry.Tests.Cli;

/// <summary><c>pub</c> fed JSON lines, <c>sub --json</c> printing them: two real processes over TCP.</summary>
[Collection(CliProcesses.Name)]
public class CliPubSubTests
{
    private static readonly string[] Input =
    [
        """{"topic":"md.SIM.AAPL","kind":"tick","exchange_ts_ns":1700000000000000001,"price":101.25,"bid":101.24,"ask":101.26,"size":100,"flags":1}""",
        """{"topic":"app.orders","kind":"log","timestamp_ns":42,"level":"Warning","category":"Orders.Router","message":"slow \"venue\"\nretrying ü","exception":null,"properties":{"venue":"XNAS","attempt":2}}""",
        """{"topic":"md.SIM.AAPL","kind":"tick","exchange_ts_ns":2,"price":0.3,"bid":0.1,"ask":0.7,"size":1E-8,"flags":"Trade|Simulated"}""",
        """{"topic":"sys.cpu","kind":"metric","name":"cpu_seconds_total","labels":{"host":"a"},"value":0.1,"timestamp_ns":7}""",
        """{"topic":"orders.X","kind":"order","side":"buy","qty":10,"px":1.25,"tags":["a",null,true]}""",
        """{"topic":"md.SIM.AAPL","kind":"tick","exchange_ts_ns":3,"price":-12345678.123456789,"bid":-12345678.123456790,"ask":0,"size":250.5}""",
        """{"topic":"md.XNAS.MSFT","kind":"tick","exchange_ts_ns":4,"price":410.5,"bid":410.49,"ask":410.51,"size":10,"bid_size":1200,"ask_size":800.5,"venue":"XNAS","status":"Halted"}""",
        """{"topic":"metric.orders-api.orders.placed","kind":"metric","name":"orders.placed","labels":{"symbol":"AAPL"},"value":12,"timestamp_ns":8,"type":"counter","unit":"{order}"}""",
    ];

    [Fact]
    public async Task Sub_json_prints_every_published_record_with_exact_values_and_sequence_numbers()
    {
        var lines = await PublishAndSubscribe(Input, "cli-test");

        var ticks = lines.Where(l => l.GetProperty("topic").GetString() == "md.SIM.AAPL").ToArray();
        Assert.Equal(3, ticks.Length);
        Assert.All(lines, l => Assert.Equal("cli-test", l.GetProperty("publisher").GetString()));
        Assert.Single(lines.Select(l => l.GetProperty("session").GetUInt64()).Distinct());

        // Per topic, records keep their order and are numbered from 1.
        Assert.Equal(["1", "2", "3"], ticks.Select(t => t.Raw("seq")));
        Assert.Equal(["101.25", "101.24", "101.26", "100", "1", "1700000000000000001"], Fields(ticks[0], "price", "bid", "ask", "size", "flags", "exchange_ts_ns"));
        Assert.Equal(["0.3", "0.1", "0.7", "0.00000001", "5"], Fields(ticks[1], "price", "bid", "ask", "size", "flags"));

        // Price, bid and ask share one scale on the wire (the instrument's tick size), so ask 0 comes back as 0.000000000.
        Assert.Equal(["-12345678.123456789", "-12345678.123456790", "0.000000000", "250.5", "0"], Fields(ticks[2], "price", "bid", "ask", "size", "flags"));

        var log = Assert.Single(lines, l => l.GetProperty("kind").GetString() == "log");
        Assert.Equal("app.orders", log.GetProperty("topic").GetString());
        Assert.Equal("1", log.Raw("seq"));
        Assert.Equal("42", log.Raw("timestamp_ns"));
        Assert.Equal("Warning", log.GetProperty("level").GetString());
        Assert.Equal("Orders.Router", log.GetProperty("category").GetString());
        Assert.Equal("slow \"venue\"\nretrying ü", log.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, log.GetProperty("exception").ValueKind);
        Assert.Equal("XNAS", log.GetProperty("properties").GetProperty("venue").GetString());
        Assert.Equal("2", log.GetProperty("properties").GetProperty("attempt").GetString());

        // Sizes, venue and status: written as given; a tick without them says so (null, null, null, Unknown).
        var quote = Assert.Single(lines, l => l.GetProperty("topic").GetString() == "md.XNAS.MSFT");
        Assert.Equal(["1200.0", "800.5", "\"XNAS\"", "\"Halted\"", "10.0"], Fields(quote, "bid_size", "ask_size", "venue", "status", "size"));
        Assert.Equal(["null", "null", "null", "\"Unknown\""], Fields(ticks[0], "bid_size", "ask_size", "venue", "status"));

        var metric = Assert.Single(lines, l => l.GetProperty("topic").GetString() == "sys.cpu");
        Assert.Equal(["\"sys.cpu\"", "1", "\"cpu_seconds_total\"", "0.1", "7", "\"unknown\"", "null"], Fields(metric, "topic", "seq", "name", "value", "timestamp_ns", "type", "unit"));
        Assert.Equal("a", metric.GetProperty("labels").GetProperty("host").GetString());
        var counter = Assert.Single(lines, l => l.GetProperty("topic").GetString() == "metric.orders-api.orders.placed");
        Assert.Equal(["\"counter\"", "\"{order}\"", "12"], Fields(counter, "type", "unit", "value"));

        var order = Assert.Single(lines, l => l.GetProperty("kind").GetString() == "order");
        Assert.Equal("1", order.Raw("seq"));
        Assert.Equal("""{"side":"buy","qty":10,"px":1.25,"tags":["a",null,true]}""", order.Raw("record"));
    }

    [Fact]
    public async Task Sub_json_output_fed_back_to_pub_republishes_the_same_records()
    {
        var first = await PublishAndSubscribe(Input, "first");
        var second = await PublishAndSubscribe(first.Select(l => l.GetRawText()).ToArray(), "second");

        Assert.Equal(first.Length, second.Length);
        foreach (var original in first)
        {
            var copy = Assert.Single(second, l => l.Raw("topic") == original.Raw("topic") && l.Raw("seq") == original.Raw("seq"));
            Assert.Equal("second", copy.GetProperty("publisher").GetString());
            Assert.Equal(WithoutEnvelope(original), WithoutEnvelope(copy));
        }
    }

    [Fact]
    public async Task A_malformed_line_is_reported_with_its_number_and_the_rest_is_still_published()
    {
        string endpoint = Infrastructure.FreePort.TcpEndpoint();
        await using var pub = TelemetryCli.Start("pub", "--bind", endpoint, "--wait-for-subscriber", "30");
        await using var sub = TelemetryCli.Start("sub", "--connect", endpoint, "--json", "--count", "2");
        string[] input =
        [
            """{"topic":"md.SIM.MSFT","kind":"tick","price":1.5}""",
            """{"topic":"md.SIM.MSFT","kind":"tick","price":""",
            """{"topic":"md.SIM.MSFT","kind":"tick","prcie":2.5}""",
            """["not","an","object"]""",
            "",
            """{"topic":"md.SIM.MSFT","kind":"tick","price":2.5}""",
        ];
        foreach (var line in input)
        {
            await pub.StandardInput.WriteLineAsync(line);
        }

        pub.StandardInput.Close();
        Assert.Equal(0, await pub.WaitForExitAsync(TelemetryCli.ExitTimeout));
        Assert.Equal(0, await sub.WaitForExitAsync(TelemetryCli.ExitTimeout));

        var errors = pub.StderrLines.ToArray();
        Assert.Equal(3, errors.Length);
        Assert.Contains("line 2:", errors[0], StringComparison.Ordinal);
        Assert.Contains("line 3:", errors[1], StringComparison.Ordinal);
        Assert.Contains("'prcie'", errors[1], StringComparison.Ordinal);
        Assert.Contains("line 4:", errors[2], StringComparison.Ordinal);

        var lines = TelemetryCli.JsonLines(sub.StdoutLines);
        Assert.Equal(["1", "2"], lines.Select(l => l.Raw("seq")));
        Assert.Equal(["1.5", "2.5"], lines.Select(l => l.Raw("price")));
    }

    private static async Task<JsonElement[]> PublishAndSubscribe(string[] input, string publisherName)
    {
        string endpoint = Infrastructure.FreePort.TcpEndpoint();
        await using var pub = TelemetryCli.Start("pub", "--bind", endpoint, "--name", publisherName, "--wait-for-subscriber", "30");
        await using var sub = TelemetryCli.Start("sub", "--connect", endpoint, "--json", "--count", input.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var line in input)
        {
            await pub.StandardInput.WriteLineAsync(line);
        }

        pub.StandardInput.Close();
        Assert.True(await pub.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, pub.Describe());
        Assert.True(await sub.WaitForExitAsync(TelemetryCli.ExitTimeout) == 0, sub.Describe());
        Assert.Empty(pub.StderrLines);
        Assert.Empty(sub.StderrLines);
        var lines = TelemetryCli.JsonLines(sub.StdoutLines);
        Assert.Equal(input.Length, lines.Length);
        return lines;
    }

    private static string[] Fields(JsonElement line, params string[] names) => [.. names.Select(name => line.Raw(name))];

    private static string WithoutEnvelope(JsonElement line) =>
        string.Join(",", line.EnumerateObject().Where(p => p.Name is not ("publisher" or "session")).Select(p => $"{p.Name}={p.Value.GetRawText()}"));
}
