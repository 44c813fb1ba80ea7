using System.CommandLine;

namespace Telemetry.Cli;

/// <summary>Options shared by several commands, built fresh for each command (an option belongs to one parent).</summary>
internal static class CliOptions
{
    public static Option<string[]> Connect(string description) => new("--connect")
    {
        Description = description + " Repeat for several.",
        HelpName = "ENDPOINT",
    };

    public static Option<string[]> Bind(string description) => new("--bind")
    {
        Description = description + " Repeat for several.",
        HelpName = "ENDPOINT",
    };

    public static Option<string[]> Prefix() => new("--prefix")
    {
        Description = "Topic prefix to subscribe to; repeat for several. Default: \"\" (every topic).",
        HelpName = "PREFIX",
        DefaultValueFactory = _ => [string.Empty],
    };

    /// <summary>What a subscribing command does about missing records (docs/wire-format.md, section 14).</summary>
    /// <summary>Whether to take the nodes' conflated feed (<see cref="SubscriberOptions.Conflation"/>).</summary>
    public static Option<Conflation> Conflate() => new("--conflate")
    {
        Description = "The nodes' conflated feed, each topic's latest value about 10 times a second instead of every record: off, always (a screen on a slow link), when-behind (only while this subscriber falls behind; never for logs). What is skipped is counted as conflated, never as a gap. Default: off.",
        HelpName = "MODE",
        CustomParser = r => Enum.TryParse<Conflation>((r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty).Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : FailConflate(r),
    };

    private static Conflation FailConflate(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError("--conflate must be off, always or when-behind.");
        return default;
    }

    public static Option<GapRepair> Repair(GapRepair defaultValue) => new("--repair")
    {
        Description = $"Missing records: bykind (hold logs, deliver the rest at once), hold (every record in order), immediate (repaired records come later), off (report gaps only). Default: {defaultValue.ToString().ToLowerInvariant()}.",
        HelpName = "MODE",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => Enum.TryParse<GapRepair>(r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : Fail(r),
    };

    private static GapRepair Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError("--repair must be bykind, hold, immediate or off.");
        return default;
    }

    /// <summary>Makes <paramref name="command"/> fail to parse unless at least one endpoint is given.</summary>
    public static void RequireEndpoint(Command command, Option<string[]> connect, Option<string[]>? bind = null)
    {
        command.Validators.Add(result =>
        {
            int count = (result.GetValue(connect)?.Length ?? 0) + (bind is null ? 0 : result.GetValue(bind)?.Length ?? 0);
            if (count == 0)
            {
                result.AddError(bind is null ? "Give at least one --connect endpoint." : "Give at least one --connect or --bind endpoint.");
            }
        });
    }

    /// <summary>Makes <paramref name="command"/> fail to parse when <paramref name="option"/> is given a value below <paramref name="minimum"/>.</summary>
    public static void RequireAtLeast<T>(Command command, Option<T> option, T minimum) where T : struct, IComparable<T>
    {
        command.Validators.Add(result =>
        {
            if (result.GetResult(option) is not null && result.GetValue(option).CompareTo(minimum) < 0)
            {
                result.AddError($"{option.Name} must be at least {minimum}.");
            }
        });
    }
}
