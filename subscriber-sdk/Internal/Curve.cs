using NetMQ;

namespace Telemetry.Internal;

/// <summary>
/// CURVE roles on NetMQ sockets. A socket is either a server (it binds, holds the secret key) or a
/// client (it connects, knows the server's public key): NetMQ reads these options when each
/// connection is made, so one socket cannot be both.
/// </summary>
internal static class Curve
{
    /// <summary>Makes <paramref name="socket"/> a CURVE server with <paramref name="secretKey"/>; nothing when it is null.</summary>
    public static void ApplyServer(NetMQSocket socket, string? secretKey)
    {
        if (secretKey is null)
        {
            return;
        }

        socket.Options.CurveServer = true;
        socket.Options.CurveCertificate = NetMQCertificate.CreateFromSecretKey(secretKey);
    }

    /// <summary>
    /// Makes <paramref name="socket"/> a CURVE client of the server whose public key is
    /// <paramref name="serverKey"/>, with <paramref name="secretKey"/> as its own long-term key or a
    /// fresh ephemeral one; nothing when <paramref name="serverKey"/> is null.
    /// </summary>
    public static void ApplyClient(NetMQSocket socket, string? serverKey, string? secretKey)
    {
        if (serverKey is null)
        {
            return;
        }

        socket.Options.CurveServerKey = NetMQCertificate.FromPublicKey(serverKey).PublicKey;
        socket.Options.CurveCertificate = secretKey is null ? new NetMQCertificate() : NetMQCertificate.CreateFromSecretKey(secretKey);
    }

    /// <summary>Adds the problems with a pair of key settings to <paramref name="problems"/>.</summary>
    public static void Validate(List<string> problems, string? secretKey, string? serverKey, int bindCount, int connectCount, string secretName, string serverName)
    {
        PublisherOptions.Check(problems, secretKey is null || CurveKeyPair.IsZ85Key(secretKey), $"{secretName} must be a {CurveKeyPair.Z85Length}-character Z85 key.");
        PublisherOptions.Check(problems, serverKey is null || CurveKeyPair.IsZ85Key(serverKey), $"{serverName} must be a {CurveKeyPair.Z85Length}-character Z85 key.");
        PublisherOptions.Check(problems, serverKey is null || bindCount == 0, $"{serverName} makes the socket a CURVE client: it cannot also bind.");
        PublisherOptions.Check(problems, secretKey is null || serverKey is not null || connectCount == 0, $"Connecting with CURVE needs {serverName}, the public key of the server.");
    }
}
