# App image for the deployment path (docker-compose.yml): cckb against Neo4j.
FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir .
ENV CCKB_DATA_DIR=/data CCKB_GRAPH=neo4j
EXPOSE 8501
CMD ["cckb", "ui", "--host", "0.0.0.0"]
