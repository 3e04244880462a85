using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace VectorOps.Providers
{
    /// <summary>
    /// A provider whose <see cref="IVectorProvider.DeleteByIdsAsync"/> checks every id again (it is public, so it
    /// cannot trust its caller) offers the same delete without that second check to the command layer, which has
    /// already passed each id of the batch through this provider's <see cref="IVectorProvider.ValidateId"/>.
    /// On a bulk delete that halves the per-id validation; the batch size cap is still enforced.
    /// </summary>
    internal interface IValidatedIdDelete
    {
        Task<ProviderWriteResult> DeleteValidatedIdsAsync(string @namespace, IReadOnlyList<string> ids, CancellationToken cancellationToken);
    }
}
