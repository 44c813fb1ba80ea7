using System.Net;

namespace Telemetry.Tests.Infrastructure;

/// <summary>The two ends of a <see cref="NetnsLab.Link"/>: the device and address in each host.</summary>
internal sealed record DirectLink(string DeviceA, IPAddress AddressA, string DeviceB, IPAddress AddressB);
