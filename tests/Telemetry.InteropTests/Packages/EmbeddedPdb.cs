using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Telemetry.Tests.Packages;

/// <summary>What an assembly's embedded portable PDB holds: the documents whose source text it embeds.</summary>
internal static class EmbeddedPdb
{
    // The custom debug information kind of an embedded source file (portable PDB format).
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    public static List<string> SourcesIn(byte[] assembly)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        var embedded = pe.ReadDebugDirectory().FirstOrDefault(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        if (embedded.DataSize == 0)
        {
            return [];
        }

        using var provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
        var pdb = provider.GetMetadataReader();
        return [.. pdb.CustomDebugInformation
            .Select(pdb.GetCustomDebugInformation)
            .Where(info => info.Parent.Kind == HandleKind.Document && pdb.GetGuid(info.Kind) == EmbeddedSource)
            .Select(info => pdb.GetString(pdb.GetDocument((DocumentHandle)info.Parent).Name))];
    }
}
