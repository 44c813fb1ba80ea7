using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telemetry;
using Telemetry.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Telemetry publishers and subscribers with a generic host.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="TelemetryPublisher{T}"/> whose options are bound from the
    /// configuration section <paramref name="configSectionPath"/> and validated when the host starts.
    /// The host starts it and, on shutdown, flushes what is queued before closing it.
    /// </summary>
    /// <returns>The options builder, to configure further (e.g. <c>.Configure(o => ...)</c>).</returns>
    public static OptionsBuilder<PublisherOptions> AddTelemetryPublisher<T>(this IServiceCollection services, string configSectionPath = "Telemetry:Publisher")
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PublisherOptions>, OptionsValidator<PublisherOptions>>(
            _ => new OptionsValidator<PublisherOptions>(o => o.Validate())));
        services.TryAddSingleton(sp => new TelemetryPublisher<T>(
            sp.GetRequiredService<IOptions<PublisherOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<TelemetryPublisher<T>>()));
        services.AddHostedService<PublisherLifetime<T>>();
        return services.AddOptions<PublisherOptions>().BindConfiguration(configSectionPath).ValidateOnStart();
    }

    /// <summary>
    /// Registers a singleton <see cref="TelemetrySubscriber"/> whose options are bound from the
    /// configuration section <paramref name="configSectionPath"/> and validated when the host starts.
    /// Consume it with <see cref="TelemetrySubscriber.ReadAllAsync{T}"/> or <see cref="TelemetrySubscriber.Start"/>.
    /// </summary>
    /// <returns>The options builder, to configure further.</returns>
    public static OptionsBuilder<SubscriberOptions> AddTelemetrySubscriber(this IServiceCollection services, string configSectionPath = "Telemetry:Subscriber")
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SubscriberOptions>, OptionsValidator<SubscriberOptions>>(
            _ => new OptionsValidator<SubscriberOptions>(o => o.Validate())));
        services.TryAddSingleton(sp => new TelemetrySubscriber(
            sp.GetRequiredService<IOptions<SubscriberOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<TelemetrySubscriber>()));
        return services.AddOptions<SubscriberOptions>().BindConfiguration(configSectionPath).ValidateOnStart();
    }
}
