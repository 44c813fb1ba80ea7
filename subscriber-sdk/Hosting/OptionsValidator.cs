using Microsoft.Extensions.Options;

namespace Telemetry.Hosting;

/// <summary>Adapts the options records' own <c>Validate()</c> to the options framework, so a bad configuration stops the host at start with every problem listed.</summary>
internal sealed class OptionsValidator<TOptions>(Func<TOptions, IReadOnlyList<string>> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = validate(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
