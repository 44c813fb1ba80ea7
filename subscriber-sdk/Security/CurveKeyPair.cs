using NetMQ;

namespace Telemetry;

/// <summary>
/// A CURVE (Curve25519) key pair as Z85 text, the 40-character encoding libzmq, pyzmq and NetMQ
/// share. The secret key identifies a server (publisher, relay, sink); clients need only its
/// public key. Write pairs with <c>telemetry keygen</c>.
/// </summary>
/// <param name="PublicKey">The public key, Z85 (40 characters).</param>
/// <param name="SecretKey">The secret key, Z85 (40 characters). Keep it readable by its owner only.</param>
public sealed record CurveKeyPair(string PublicKey, string SecretKey)
{
    /// <summary>Length of a Z85-encoded 32-byte key.</summary>
    public const int Z85Length = 40;

    /// <summary>Makes a new random key pair.</summary>
    public static CurveKeyPair Generate()
    {
        var certificate = new NetMQCertificate();
        return new CurveKeyPair(certificate.PublicKeyZ85, certificate.SecretKeyZ85!);
    }

    /// <summary>Derives the pair from a Z85 secret key.</summary>
    /// <exception cref="ArgumentException">The text is not a Z85 key.</exception>
    public static CurveKeyPair FromSecretKey(string secretKey)
    {
        ThrowIfNotKey(secretKey, nameof(secretKey));
        var certificate = NetMQCertificate.CreateFromSecretKey(secretKey);
        return new CurveKeyPair(certificate.PublicKeyZ85, certificate.SecretKeyZ85!);
    }

    /// <summary>True when <paramref name="text"/> is 40 characters of the Z85 alphabet.</summary>
    public static bool IsZ85Key(string? text) =>
        text is { Length: Z85Length } && text.All(c => Z85Alphabet.Contains(c, StringComparison.Ordinal));

    /// <summary>Hides the secret key from logs and debugger views.</summary>
    public override string ToString() => $"CurveKeyPair {{ PublicKey = {PublicKey} }}";

    internal static void ThrowIfNotKey(string? text, string parameter)
    {
        if (!IsZ85Key(text))
        {
            throw new ArgumentException($"A CURVE key is {Z85Length} Z85 characters.", parameter);
        }
    }

    private const string Z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
}
