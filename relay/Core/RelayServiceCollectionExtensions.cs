using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telemetry.Hosting;
using Telemetry.Relay;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a relay with a generic host.</summary>
public static class RelayServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RelayOptions"/> from the configuration section <paramref name="section"/>,
    /// validates them when the host starts (every problem in one message), and runs the relay with
    /// the host (<see cref="RelayLifetime"/>, also registered as a singleton to read its stats).
    /// </summary>
    public static IServiceCollection AddTelemetryRelay(this IServiceCollection services, string section = "Relay")
    {
        services.AddSingleton<IValidateOptions<RelayOptions>>(new OptionsValidator<RelayOptions>(o => o.Validate()));
        services.AddOptions<RelayOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<RelayLifetime>();
        services.AddHostedService(sp => sp.GetRequiredService<RelayLifetime>());
        return services;
    }
}
