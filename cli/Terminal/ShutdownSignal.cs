using System.Runtime.InteropServices;

namespace Telemetry.Cli.Terminal;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a cancellation token, so a command can close its
/// sockets, flush its output and exit 0; a second signal ends the process at once, for a shutdown
/// that hangs.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_cancellation.IsCancellationRequested)
        {
            return; // Not cancelled: the default action terminates the process.
        }

        context.Cancel = true;
        _cancellation.Cancel();
    }
}
