go test fuzz v1
string("UTT7VDX8W5.com.contactApp.Contact")
string("AuthKey_ABC123.p8")
[]byte("-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n")
