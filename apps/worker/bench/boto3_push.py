"""Pushes one layer through the ECR API with boto3, the way an ECR client does, and prints its timings as JSON.

InitiateLayerUpload, then one UploadLayerPart per part file (in order, each hashed into the layer digest as it
is read, as real clients do), then CompleteLayerUpload with that digest.

Usage: python3 boto3_push.py ENDPOINT REPOSITORY PART_FILE...
Credentials and region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
"""

import hashlib
import json
import sys
import time

import boto3
from botocore.config import Config


def main() -> None:
    endpoint, repository, *part_files = sys.argv[1:]
    # No retries: a failed call must fail the benchmark, not be hidden in its timings.
    ecr = boto3.client("ecr", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1}))
    started = time.perf_counter()
    upload_id = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
    digest = hashlib.sha256()
    offset = 0
    parts_started = time.perf_counter()
    for path in part_files:
        with open(path, "rb") as file:
            blob = file.read()
        digest.update(blob)
        answer = ecr.upload_layer_part(
            repositoryName=repository,
            uploadId=upload_id,
            partFirstByte=offset,
            partLastByte=offset + len(blob) - 1,
            layerPartBlob=blob,
        )
        offset += len(blob)
        if answer["lastByteReceived"] != offset - 1:
            raise SystemExit(f"lastByteReceived {answer['lastByteReceived']} != {offset - 1}")
    complete_started = time.perf_counter()
    layer_digest = f"sha256:{digest.hexdigest()}"
    answer = ecr.complete_layer_upload(repositoryName=repository, uploadId=upload_id, layerDigests=[layer_digest])
    finished = time.perf_counter()
    if answer["layerDigest"] != layer_digest:
        raise SystemExit(f"server digest {answer['layerDigest']} != {layer_digest}")
    print(
        json.dumps(
            {
                "bytes": offset,
                "digest": layer_digest,
                "totalMs": (finished - started) * 1000,
                "partsMs": (complete_started - parts_started) * 1000,
                "completeMs": (finished - complete_started) * 1000,
            }
        )
    )


if __name__ == "__main__":
    main()
