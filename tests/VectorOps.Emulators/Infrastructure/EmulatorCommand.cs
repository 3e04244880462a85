using System;
using System.Collections.Generic;

namespace VectorOps.Emulators.Infrastructure
{
    /// <summary>
    /// An emulator the command-line runner can start (<c>dotnet run --project tests/VectorOps.Emulators -- NAME --port N</c>).
    /// Implementations are found by reflection, so adding an emulator touches no shared file.
    /// </summary>
    public interface IEmulatorCommand
    {
        /// <summary>The first argument that selects this emulator ("pinecone").</summary>
        string Name { get; }

        /// <summary>One line per option, for --help.</summary>
        string Usage { get; }

        /// <summary>Creates the (not yet started) emulator from the options given after the name (--key value).</summary>
        EmulatorHost Create(IReadOnlyDictionary<string, string> options);
    }
}
